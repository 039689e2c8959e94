import assert from "node:assert/strict";
import { isLoomError } from "../core/mod.ts";
import { createTempProject, type TempProject } from "../../tests/_lib/project.ts";
import { createTestContext } from "../../tests/_lib/context.ts";
import type { ToolContext } from "./define.ts";
import { createFileSearchTool, fileSearch, rgNameFilter } from "./file_search.ts";

async function find(args: Record<string, unknown>, ctx: ToolContext) {
  return await fileSearch.run(fileSearch.input.parse(args), ctx);
}

/** Gives each file an mtime `i` minutes after a fixed moment, in the order listed. */
async function age(project: TempProject, rels: string[]): Promise<void> {
  const base = new Date("2024-01-01T00:00:00Z").getTime();
  for (const [i, rel] of rels.entries()) {
    const when = new Date(base + i * 60_000);
    await Deno.utime(project.path(rel), when, when);
  }
}

Deno.test("file_search lists matches newest first, as project-relative paths", async () => {
  await using project = await createTempProject({
    "src/old.ts": "",
    "src/deep/newest.ts": "",
    "middle.ts": "",
    "readme.md": "",
  });
  await age(project, ["src/old.ts", "middle.ts", "readme.md", "src/deep/newest.ts"]);
  const ctx = await createTestContext(project.root);
  const result = await find({ pattern: "*.ts" }, ctx);
  assert.equal(result.text, "src/deep/newest.ts\nmiddle.ts\nsrc/old.ts");
  assert.deepEqual(result.structured, {
    files: ["src/deep/newest.ts", "middle.ts", "src/old.ts"],
    total: 3,
  });
});

Deno.test("file_search anchors globs with a slash and accepts several, with ! exclusions", async () => {
  await using project = await createTempProject({
    "src/a.ts": "",
    "src/a.d.ts": "",
    "src/sub/b.ts": "",
    "test/src/c.ts": "",
    "vendor/v.ts": "",
  });
  await age(project, ["src/a.ts", "src/a.d.ts", "src/sub/b.ts", "test/src/c.ts", "vendor/v.ts"]);
  const ctx = await createTestContext(project.root);
  const anchored = await find({ pattern: "src/*.ts" }, ctx);
  assert.equal(anchored.text, "src/a.d.ts\nsrc/a.ts");
  const several = await find({ pattern: ["**/*.ts", "!*.d.ts", "!vendor"] }, ctx);
  assert.equal(several.text, "test/src/c.ts\nsrc/sub/b.ts\nsrc/a.ts");
  const under = await find({ pattern: "*.ts", path: "src/sub" }, ctx);
  assert.equal(under.text, "src/sub/b.ts");
});

Deno.test("file_search respects .gitignore and skips hidden files unless asked", async () => {
  await using project = await createTempProject({
    ".gitignore": "dist/\n",
    "dist/bundle.js": "",
    "src/app.js": "",
    ".eslintrc.js": "",
  }, { git: true });
  const ctx = await createTestContext(project.root);
  assert.equal((await find({ pattern: "*.js" }, ctx)).text, "src/app.js");
  const hidden = await find({ pattern: "*.js", include_hidden: true }, ctx);
  assert.deepEqual([...(hidden.structured?.files as string[])].sort(), [
    ".eslintrc.js",
    "src/app.js",
  ]);
});

Deno.test("file_search says how many more matched past the limit", async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 12; i++) files[`f${String(i).padStart(2, "0")}.txt`] = "";
  await using project = await createTempProject(files);
  await age(project, Object.keys(files));
  const ctx = await createTestContext(project.root);
  const result = await find({ pattern: "*.txt", limit: 3 }, ctx);
  assert.equal(
    result.text,
    "f11.txt\nf10.txt\nf09.txt\n... and 9 more; narrow the pattern or raise limit",
  );
});

Deno.test("file_search answers no match in plain words and leaves out denied paths", async () => {
  await using project = await createTempProject({ "secret/key.pem": "", "pub/cert.pem": "" });
  const ctx = await createTestContext(project.root, {
    isReadDenied: (rel) => rel.startsWith("secret"),
  });
  assert.equal((await find({ pattern: "*.rs" }, ctx)).text, 'No files match "*.rs"');
  assert.equal((await find({ pattern: "*.pem" }, ctx)).text, "pub/cert.pem");
});

Deno.test("file_search refuses a file or a missing directory as its path", async () => {
  await using project = await createTempProject({ "a.txt": "" });
  const ctx = await createTestContext(project.root);
  await assert.rejects(
    find({ pattern: "*", path: "a.txt" }, ctx),
    (err) => isLoomError(err, "INVALID_INPUT"),
  );
  await assert.rejects(
    find({ pattern: "*", path: "nope" }, ctx),
    (err) => isLoomError(err, "NOT_FOUND"),
  );
});

Deno.test("file_search lists the same files, in the same order, with ripgrep as with the built-in catalog", async () => {
  await using project = await createTempProject({
    ".gitignore": "build/\n*.log\n!keep.log\n",
    "src/a.ts": "",
    "src/b.test.ts": "",
    "src/deep/c.ts": "",
    "src/.hidden/h.ts": "",
    ".config.ts": "",
    "build/out.ts": "",
    "debug.log": "",
    "keep.log": "",
    "docs/readme.md": "",
    "docs/sub/.gitignore": "*.md\n",
    "docs/sub/ignored.md": "",
    "docs/sub/kept.txt": "",
  });
  await age(project, [
    "src/a.ts",
    "src/b.test.ts",
    "src/deep/c.ts",
    "src/.hidden/h.ts",
    ".config.ts",
    "keep.log",
    "docs/readme.md",
    "docs/sub/kept.txt",
  ]);
  const rgPath = new Deno.Command("sh", { args: ["-c", "command -v rg"] }).outputSync();
  const rg = new TextDecoder().decode(rgPath.stdout).trim();
  if (rg === "") throw new Error("this test needs ripgrep (apt-get install ripgrep)");
  const withRg = createFileSearchTool({ rgPath: rg });
  const ctx = await createTestContext(project.root);
  const cases: Record<string, unknown>[] = [
    { pattern: "*.ts" },
    { pattern: "**", include_hidden: true },
    { pattern: "**" },
    { pattern: ["*.ts", "!*.test.ts"] },
    { pattern: "src/**/*.ts" },
    { pattern: "*", path: "docs" },
    { pattern: "*.log" },
    { pattern: "*.ts", limit: 2 },
    // Shapes rg pre-filters by file name (hidden names, ignored files and braces included).
    { pattern: "*.ts", include_hidden: true },
    { pattern: "*.{ts,md}" },
    { pattern: ["*.log", "*.txt"] },
    { pattern: "src/**/*.ts", include_hidden: true },
    { pattern: "docs/*/*.txt" },
    { pattern: "?.ts", path: "src" },
    { pattern: "**/*.md", path: "docs" },
    { pattern: ["*.ts", "!src/deep/**"] },
    // Shapes listed in full and matched by our own matcher alone.
    { pattern: "[ab].ts" },
    { pattern: "src/*" },
  ];
  for (const args of cases) {
    const builtin = await fileSearch.run(fileSearch.input.parse(args), ctx);
    const ripgrep = await withRg.run(withRg.input.parse(args), ctx);
    assert.deepEqual(ripgrep, builtin, JSON.stringify(args));
  }
  const all = await withRg.run(withRg.input.parse({ pattern: "**", include_hidden: true }), ctx);
  assert.ok(!all.text.includes("build/") && !all.text.includes("debug.log"), all.text);
  assert.ok(!all.text.includes("ignored.md") && all.text.includes("keep.log"), all.text);
});

Deno.test("file_search gives rg a file-name pre-filter only for globs both read alike", () => {
  const table: [string[], string[] | undefined][] = [
    [["*.py"], ["*.py"]],
    [["packages/pkg3/**/*.md"], ["*.md"]],
    [["/src/*.ts", "!*.d.ts"], ["*.ts"]],
    [["*.{ts,tsx}", "*_test.go"], ["*.{ts,tsx}", "*_test.go"]],
    [["!*.d.ts"], undefined], // No positive glob: nothing to narrow by.
    [["src/**"], undefined], // Matches any name.
    [["*"], undefined],
    [["[ab].ts"], undefined], // Character classes: outside the common subset.
    [["+(a|b).ts"], undefined], // Extglob.
    [["*.{a,{b,c}}"], undefined], // Nested braces.
    [["{src/x,lib}.ts"], undefined], // A slash inside braces.
    [["*.py", "a\\*.ts"], undefined], // One unusable glob turns the pre-filter off.
  ];
  for (const [patterns, expected] of table) {
    assert.deepEqual(rgNameFilter(patterns), expected, JSON.stringify(patterns));
  }
});
