import assert from "node:assert/strict";
import { join } from "node:path";
import { createTestContext } from "../../tests/_lib/context.ts";
import { createTempProject, type TempProject } from "../../tests/_lib/project.ts";
import type { ProcessRunner } from "../core/mod.ts";
import type { ToolContext } from "../tools/define.ts";
import { restoreTree, snapshotTree, type TreeSnapshot } from "./checkpoint_tree.ts";

const later = () => Date.now() + 60_000;

async function snapshot(ctx: ToolContext, previous?: TreeSnapshot): Promise<TreeSnapshot> {
  const outcome = await snapshotTree(ctx, { now: later, previous });
  assert.ok("snapshot" in outcome, JSON.stringify(outcome));
  return outcome.snapshot;
}

/** Every file under .git/ except objects, as bytes: HEAD, index, refs, config, logs. */
async function gitState(project: TempProject): Promise<Map<string, string>> {
  const state = new Map<string, string>();
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const abs = join(dir, entry.name);
      if (entry.isDirectory && entry.name !== "objects") await walk(abs);
      if (entry.isFile) state.set(abs, btoa(String.fromCharCode(...await Deno.readFile(abs))));
    }
  };
  await walk(project.path(".git"));
  return state;
}

Deno.test("a restore brings back exact bytes, permission bits and symlinks, and leaves HEAD, the index and refs alone", async () => {
  const binary = new Uint8Array([0, 255, 13, 10, 1, 2, 3, 0x80]);
  await using project = await createTempProject({
    ".gitattributes": "* text=auto eol=crlf\n",
    "crlf.txt": "one\r\ntwo\r\n",
    "blob.bin": binary,
    "run.sh": "#!/bin/sh\n",
  }, { git: true });
  await Deno.chmod(project.path("run.sh"), 0o755);
  await Deno.symlink("crlf.txt", project.path("link"));
  await project.git("add", "-A");
  await project.git("commit", "-q", "-m", "more");
  await project.write("staged.txt", "staged\n");
  await project.git("add", "staged.txt");
  const ctx = await createTestContext(project.root);
  const before = await gitState(project);
  const taken = await snapshot(ctx);

  await project.write("crlf.txt", "one\ntwo\n");
  await project.write("blob.bin", "text now");
  await Deno.chmod(project.path("run.sh"), 0o644);
  await Deno.remove(project.path("link"));
  await Deno.symlink("blob.bin", project.path("link"));
  await Deno.remove(project.path("staged.txt"));

  const done = await restoreTree(ctx, taken);
  assert.deepEqual(done.restored, ["blob.bin", "crlf.txt", "link", "run.sh", "staged.txt"]);
  assert.deepEqual(done.failed, []);
  assert.equal(await project.read("crlf.txt"), "one\r\ntwo\r\n", "no line-ending conversion");
  assert.deepEqual(await Deno.readFile(project.path("blob.bin")), binary);
  assert.equal((await Deno.stat(project.path("run.sh"))).mode! & 0o777, 0o755);
  assert.equal(await Deno.readLink(project.path("link")), "crlf.txt");
  assert.equal(await project.read("staged.txt"), "staged\n");
  assert.deepEqual(await gitState(project), before, "nothing in .git/ but objects changed");
});

Deno.test("a checkpoint runs no filter the repository defines, even in a trusted project", async () => {
  await using project = await createTempProject({ "a.txt": "a\n" }, { git: true });
  const marker = join(await Deno.makeTempDir(), "filter-ran");
  await project.git("config", "filter.spy.clean", `touch ${marker}; cat`);
  await project.git("config", "filter.spy.smudge", `touch ${marker}; cat`);
  await project.write(".gitattributes", "* filter=spy\n");
  const ctx = await createTestContext(project.root, { trusted: true });
  const taken = await snapshot(ctx);
  await project.write("a.txt", "b\n");
  const done = await restoreTree(ctx, taken);
  assert.deepEqual(done.restored, ["a.txt"]);
  assert.equal(await project.read("a.txt"), "a\n");
  await assert.rejects(Deno.stat(marker), Deno.errors.NotFound);
});

Deno.test("files that were ignored before the turn are never taken for added ones", async () => {
  await using project = await createTempProject(
    { ".gitignore": "secret.env\nbuild/\n", "secret.env": "KEY=1\n", "build/out.js": "old\n" },
    { git: true },
  );
  const ctx = await createTestContext(project.root);
  const taken = await snapshot(ctx);
  await project.write(".gitignore", "# everything is visible now\n");
  await project.write("build/out.js", "rebuilt\n");
  await project.write("added.txt", "added\n");

  const done = await restoreTree(ctx, taken);
  assert.deepEqual(done.restored, [".gitignore"]);
  assert.deepEqual(done.removed, ["added.txt"]);
  assert.equal(await project.read("secret.env"), "KEY=1\n", "an un-ignored file survives");
  assert.equal(await project.read("build/out.js"), "rebuilt\n", "ignored files are not covered");
});

Deno.test("a folder replaced by a symlink out of the project is put back without writing outside", async () => {
  await using project = await createTempProject({ "src/app.ts": "app\n" }, { git: true });
  await using outside = await createTempProject({});
  const ctx = await createTestContext(project.root);
  const taken = await snapshot(ctx);
  await Deno.remove(project.path("src"), { recursive: true });
  await Deno.symlink(outside.root, project.path("src"));

  const done = await restoreTree(ctx, taken);
  assert.deepEqual(done.removed, ["src"]);
  assert.deepEqual(done.restored, ["src/app.ts"]);
  assert.ok((await Deno.lstat(project.path("src"))).isDirectory);
  assert.equal(await project.read("src/app.ts"), "app\n");
  assert.deepEqual([...Deno.readDirSync(outside.root)], [], "nothing was written outside");
});

Deno.test("too large a tree, or a project below the repository's top, is skipped with the reason", async () => {
  await using project = await createTempProject({ "a": "1", "b": "2", "sub/c": "3" }, {
    git: true,
  });
  const ctx = await createTestContext(project.root);
  assert.deepEqual(
    await snapshotTree(ctx, { now: later, limits: { maxFiles: 2, maxBytes: 1e9 } }),
    { skipped: "the working tree has more than 2 files" },
  );
  assert.deepEqual(
    await snapshotTree(ctx, { now: later, limits: { maxFiles: 100, maxBytes: 2 } }),
    { skipped: "the working tree's new and changed files exceed 0 MB" },
  );
  const sub = await createTestContext(project.path("sub"));
  assert.deepEqual(await snapshotTree(sub, { now: later }), {
    skipped: "the project is a subfolder of a git repository",
  });
});

Deno.test("a second snapshot hashes only the files whose stat data changed", async () => {
  await using project = await createTempProject({ "a.txt": "a\n", "b.txt": "b\n" }, {
    git: true,
  });
  const base = await createTestContext(project.root);
  const argvs: string[][] = [];
  const runner: ProcessRunner = {
    sandboxMode: base.runner.sandboxMode,
    run: (argv, options) => (argvs.push(argv), base.runner.run(argv, options)),
  };
  const ctx = { ...base, runner };
  const first = await snapshot(ctx);
  await project.write("b.txt", "changed\n");
  argvs.length = 0;
  const second = await snapshot(ctx, first);
  const hashed = argvs.filter((a) => a.includes("hash-object")).map((a) => a.slice(-1)[0]);
  assert.deepEqual(hashed, ["b.txt"]);
  assert.equal(second.entries.get("a.txt"), first.entries.get("a.txt"));
  assert.notDeepEqual(second.entries.get("b.txt"), first.entries.get("b.txt"));
});
