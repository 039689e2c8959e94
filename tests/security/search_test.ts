import assert from "node:assert/strict";
import { isLoomError } from "../../src/core/mod.ts";
import { createContentSearchTool } from "../../src/tools/content_search.ts";
import type { Tool, ToolContext } from "../../src/tools/define.ts";
import { directoryList } from "../../src/tools/directory_list.ts";
import { createFileSearchTool, fileSearch } from "../../src/tools/file_search.ts";
import { rgArgs } from "../../src/tools/_rg.ts";
import { createTempProject, type TempProject } from "../_lib/project.ts";
import { createTestContext } from "../_lib/context.ts";

const HAS_RG = await new Deno.Command("rg", { args: ["--version"], stdout: "null" }).output()
  .then((o) => o.success, () => false);
const searchTools: [string, Tool][] = [
  ["builtin", createContentSearchTool({ rgPath: null })],
  ...(HAS_RG ? [["rg", createContentSearchTool({ rgPath: "rg" })] as [string, Tool]] : []),
];

async function call(tool: Tool, args: Record<string, unknown>, ctx: ToolContext) {
  const input = tool.input.parse(args);
  await tool.permission(input, ctx);
  return await tool.run(input, ctx);
}

/** A project next to an outside directory holding a secret, linked in three ways. */
async function withEscapes(fn: (project: TempProject, ctx: ToolContext) => Promise<void>) {
  await using outside = await createTempProject({
    "secret/passwords.txt": "TOPSECRET outside\n",
    "lone.txt": "TOPSECRET lone file\n",
  });
  await using project = await createTempProject({ "inside.txt": "nothing to see\n" });
  await Deno.symlink(outside.path("secret"), project.path("linked_dir"));
  await Deno.symlink(outside.path("lone.txt"), project.path("linked_file.txt"));
  await Deno.symlink(outside.root, project.path("linked_root"));
  await fn(project, await createTestContext(project.root));
}

for (const [engine, tool] of searchTools) {
  Deno.test(`content_search (${engine}) never follows a symlink out of the project`, () =>
    withEscapes(async (_project, ctx) => {
      for (const mode of ["files_with_matches", "content", "count"]) {
        const result = await call(tool, { pattern: "TOPSECRET", output_mode: mode }, ctx);
        assert.equal(result.text, 'No matches for "TOPSECRET"', mode);
        const hidden = await call(tool, { pattern: "TOPSECRET", include_hidden: true }, ctx);
        assert.equal(hidden.text, 'No matches for "TOPSECRET"');
      }
    }));

  Deno.test(`content_search (${engine}) refuses a path that is a symlink out of the project`, () =>
    withEscapes(async (_project, ctx) => {
      for (const path of ["linked_dir", "linked_file.txt", "linked_root/secret", "../"]) {
        await assert.rejects(
          call(tool, { pattern: "TOPSECRET", path }, ctx),
          (err) => isLoomError(err, "OUTSIDE_PROJECT"),
          path,
        );
      }
    }));

  Deno.test(`content_search (${engine}) treats a pattern or glob like a flag as text`, async () => {
    await using project = await createTempProject({
      "a.txt": "--pre=./evil.sh\n",
      "evil.sh": '#!/bin/sh\ntouch pwned\ncat "$1"\n',
    });
    await Deno.chmod(project.path("evil.sh"), 0o755);
    const ctx = await createTestContext(project.root);
    const result = await call(tool, { pattern: "--pre=./evil.sh", output_mode: "content" }, ctx);
    assert.equal(result.text, "a.txt:1:--pre=./evil.sh");
    await call(tool, { pattern: "x", glob: "--pre=./evil.sh" }, ctx);
    await call(tool, { pattern: "x", path: "./--pre=evil.sh" }, ctx).catch(() => {});
    await assert.rejects(Deno.lstat(project.path("pwned")), Deno.errors.NotFound);
  });

  Deno.test(`content_search (${engine}) never shows files a read rule denies`, async () => {
    await using project = await createTempProject({
      "config/prod.env": "API_KEY=TOPSECRET\n",
      "src/app.ts": "const key = 'public';\n",
    });
    const ctx = await createTestContext(project.root, {
      isReadDenied: (rel) => rel.endsWith(".env"),
    });
    const result = await call(tool, { pattern: "TOPSECRET|public", output_mode: "content" }, ctx);
    assert.equal(result.text, "src/app.ts:1:const key = 'public';");
    await assert.rejects(
      call(tool, { pattern: "TOPSECRET", path: "config/prod.env" }, ctx),
      (err) => isLoomError(err, "DENIED"),
    );
  });
}

Deno.test("file_search and directory_list never list entries through a symlink out of the project", () =>
  withEscapes(async (_project, ctx) => {
    const found = await call(fileSearch, { pattern: "**", include_hidden: true }, ctx);
    assert.equal(found.text, "inside.txt");
    const tree = await call(directoryList, { depth: 5, include_hidden: true }, ctx);
    assert.equal(tree.text, "./ (1 entry)\n  inside.txt (15 B)");
    await assert.rejects(
      call(fileSearch, { pattern: "*", path: "linked_dir" }, ctx),
      (err) => isLoomError(err, "OUTSIDE_PROJECT"),
    );
    await assert.rejects(
      call(directoryList, { path: "linked_root" }, ctx),
      (err) => isLoomError(err, "OUTSIDE_PROJECT"),
    );
  }));

Deno.test("file_search with ripgrep never lists entries through a symlink out of the project", () =>
  withEscapes(async (_project, ctx) => {
    if (!HAS_RG) throw new Error("this test needs ripgrep (apt-get install ripgrep)");
    const withRg = createFileSearchTool({ rgPath: "rg" });
    const found = await call(withRg, { pattern: "**", include_hidden: true }, ctx);
    assert.equal(found.text, "inside.txt");
    await assert.rejects(
      call(withRg, { pattern: "*", path: "linked_dir" }, ctx),
      (err) => isLoomError(err, "OUTSIDE_PROJECT"),
    );
  }));

Deno.test("the ripgrep command line never asks rg to follow links or read a config", () => {
  const args = rgArgs({
    pattern: "-L",
    startRel: ".",
    startIsDir: true,
    globs: ["*.ts"],
    typeGlobs: ["*.ts"],
    caseInsensitive: true,
    multiline: true,
    mode: "content",
    before: 1,
    after: 1,
    includeHidden: true,
  });
  const flags = args.slice(0, args.indexOf("--regexp"));
  assert.ok(!flags.some((a) => a === "-L" || a === "--follow"), flags.join(" "));
  assert.ok(flags.includes("--no-config"));
  assert.deepEqual(args.slice(args.indexOf("--regexp")), ["--regexp", "-L", "--", "."]);
});
