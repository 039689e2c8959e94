import assert from "node:assert/strict";
import { isLoomError } from "../core/mod.ts";
import { createTempProject } from "../../tests/_lib/project.ts";
import { createCatalog, createExclusionCheck } from "./catalog.ts";
import type { CatalogOptions, WalkOptions } from "./catalog.ts";

async function walked(
  root: string,
  options: CatalogOptions = {},
  walk: WalkOptions & { start?: string } = {},
): Promise<string[]> {
  const out: string[] = [];
  for await (const e of createCatalog(root, options).walk(walk.start ?? ".", walk)) {
    out.push(e.isDir ? e.rel + "/" : e.rel);
  }
  return out.sort();
}

Deno.test("the catalog honours nested .gitignore files, negations and directory-only patterns", async () => {
  await using project = await createTempProject({
    ".gitignore": "*.log\nlogs/\nbuild\n",
    "keep.txt": "",
    "app.log": "",
    "logs/today.txt": "",
    "src/logs": "a file named logs is not a directory",
    "src/.gitignore": "*.tmp\n!important.log\n",
    "src/important.log": "",
    "src/other.log": "",
    "src/x.tmp": "",
    "src/deep/y.tmp": "",
    "src/deep/z.ts": "",
    "build/out.js": "",
    "pkg/build": "a file named build is ignored too",
  });
  assert.deepEqual(await walked(project.root), [
    "keep.txt",
    "src/deep/z.ts",
    "src/important.log",
    "src/logs",
  ]);
});

Deno.test("the catalog reads .ignore, .rgignore and .git/info/exclude, without needing git", async () => {
  await using project = await createTempProject({
    ".ignore": "a.txt\n",
    "sub/.rgignore": "b.txt\n",
    "a.txt": "",
    "sub/b.txt": "",
    "sub/c.txt": "",
    "d.txt": "",
  }, { git: true });
  await Deno.writeTextFile(project.path(".git/info/exclude"), "d.txt\n");
  assert.deepEqual(await walked(project.root), ["sub/c.txt"]);
});

Deno.test("the catalog skips hidden entries unless asked, and never lists .git or .loom", async () => {
  await using project = await createTempProject({
    ".env": "",
    ".config/x.json": "",
    ".loom/loom.db": "",
    "visible.txt": "",
  }, { git: true });
  assert.deepEqual(await walked(project.root), ["visible.txt"]);
  const all = await walked(project.root, { includeHidden: true });
  assert.deepEqual(all, [".config/x.json", ".env", "visible.txt"]);
});

Deno.test("the catalog walks node_modules unless a .gitignore leaves it out", async () => {
  await using project = await createTempProject({ "node_modules/pkg/index.js": "", "a.js": "" });
  assert.deepEqual(await walked(project.root), ["a.js", "node_modules/pkg/index.js"]);
  await project.write(".gitignore", "node_modules/\n");
  assert.deepEqual(await walked(project.root), ["a.js"]);
});

Deno.test("the catalog leaves out denied paths, and yields directories and depth when asked", async () => {
  await using project = await createTempProject({
    "secrets/key.pem": "",
    "src/a/b/c.ts": "",
    "src/top.ts": "",
  });
  const denied = await walked(project.root, { isDenied: (rel) => rel.startsWith("secrets") });
  assert.deepEqual(denied, ["src/a/b/c.ts", "src/top.ts"]);
  const shallow = await walked(project.root, {}, { start: "src", maxDepth: 2, dirs: true });
  assert.deepEqual(shallow, ["src/a/", "src/a/b/", "src/top.ts"]);
});

Deno.test("the catalog follows an in-project symlinked directory once and never loops", async () => {
  await using project = await createTempProject({ "real/file.txt": "" });
  await Deno.symlink(project.path("real"), project.path("alias"));
  await Deno.symlink(project.root, project.path("real/loop"));
  assert.deepEqual(await walked(project.root), ["alias/file.txt", "real/file.txt"]);
  const noLinks = await walked(project.root, { followSymlinks: false });
  assert.deepEqual(noLinks, ["real/file.txt"]);
});

Deno.test("the catalog stops with CANCELLED when its signal is aborted", async () => {
  await using project = await createTempProject({ "a/b.txt": "", "c/d.txt": "" });
  const controller = new AbortController();
  const seen: string[] = [];
  await assert.rejects(async () => {
    for await (const e of createCatalog(project.root).walk(".", { signal: controller.signal })) {
      seen.push(e.rel);
      controller.abort();
    }
  }, (err) => isLoomError(err, "CANCELLED"));
  assert.ok(seen.length < 2, `walked on after the abort: ${seen.join(", ")}`);
});

Deno.test("the catalog's list gives one directory's entries with the rules of its parents", async () => {
  await using project = await createTempProject({
    ".gitignore": "*.gen.ts\n",
    "src/a.ts": "",
    "src/a.gen.ts": "",
    "src/sub/b.ts": "",
  });
  const entries = await createCatalog(project.root).list("src");
  assert.deepEqual(entries.map((e) => [e.rel, e.isDir]).sort(), [
    ["src/a.ts", false],
    ["src/sub", true],
  ]);
});

Deno.test("the exclusion check judges only the segments below the start directory", async () => {
  await using project = await createTempProject({
    ".gitignore": "vendor/\n*.log\n",
    "vendor/lib/a.js": "",
  });
  const fromRoot = createExclusionCheck(project.root, ".", { includeHidden: false });
  assert.equal(fromRoot("vendor/lib/a.js"), true);
  assert.equal(fromRoot("src/a.log"), true);
  assert.equal(fromRoot("src/.hidden/a.ts"), true);
  assert.equal(fromRoot("src/a.ts"), false);
  const fromVendor = createExclusionCheck(project.root, "vendor", { includeHidden: false });
  assert.equal(fromVendor("vendor/lib/a.js"), false);
  const hidden = createExclusionCheck(project.root, ".", { includeHidden: true });
  assert.equal(hidden("src/.hidden/a.ts"), false);
  assert.equal(hidden(".git/config"), true);
});

Deno.test("the catalog skips a named pipe called .gitignore instead of waiting on it", async () => {
  await using project = await createTempProject({ "src/a.ts": "", "b.txt": "" });
  await new Deno.Command("mkfifo", { args: [project.path("src/.gitignore")] }).output();
  assert.deepEqual(await walked(project.root), ["b.txt", "src/a.ts"]);
});
