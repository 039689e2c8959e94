import assert from "node:assert/strict";
import { join } from "node:path";
import { isLoomError } from "../../src/core/mod.ts";
import { createProcessRunner } from "../../src/sandbox/mod.ts";
import type { ToolContext } from "../../src/tools/define.ts";
import { git } from "../../src/tools/git.ts";
import { createTempProject } from "../_lib/project.ts";
import { createTestContext } from "../_lib/context.ts";

function call(ctx: ToolContext, raw: Record<string, unknown>) {
  return git.run(git.input.parse(raw), ctx);
}

async function rejects(promise: Promise<unknown>, code: string) {
  await assert.rejects(promise, (err) => {
    assert.ok(isLoomError(err), `expected a LoomError, got ${err}`);
    assert.equal(err.code, code, err.message);
    return true;
  });
}

/** A directory outside the project where a payload would leave its marker. */
async function markerDir(): Promise<AsyncDisposable & { marker: string }> {
  const dir = await Deno.makeTempDir({ prefix: "loom-marker-" });
  return {
    marker: join(dir, "pwned"),
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

async function exists(path: string): Promise<boolean> {
  return await Deno.lstat(path).then(() => true, () => false);
}

const FILES = { "a.txt": "one\ntwo\n", "b.txt": "b\n" };

Deno.test("git never lets a ref or path become an option such as --output", async () => {
  await using project = await createTempProject(FILES, { git: true });
  await using m = await markerDir();
  const ctx = await createTestContext(project.root);
  const option = `--output=${m.marker}`;
  for (
    const raw of [
      { operation: "log", ref: option },
      { operation: "diff", ref: option },
      { operation: "diff", base: option, ref: "HEAD" },
      { operation: "show", ref: option },
      { operation: "blame", path: "a.txt", ref: option },
      { operation: "restore", paths: ["a.txt"], source: option },
      { operation: "diff", paths: [option] },
      { operation: "log", paths: [option] },
    ]
  ) {
    await rejects(call(ctx, raw), "INVALID_INPUT");
  }
  await rejects(call(ctx, { operation: "branch", name: "-D" }), "INVALID_INPUT");
  await rejects(call(ctx, { operation: "switch", branch: "--orphan=x" }), "INVALID_INPUT");
  assert.equal(await exists(m.marker), false);
  assert.equal((await project.git("branch", "--list")).trim(), "* main");
});

Deno.test("git commits a message that looks like an option as plain text", async () => {
  await using project = await createTempProject(FILES, { git: true });
  await project.write("a.txt", "changed\n");
  await project.git("add", "a.txt");
  const ctx = await createTestContext(project.root);
  await call(ctx, { operation: "commit", message: "--amend" });
  assert.equal((await project.git("rev-list", "--count", "HEAD")).trim(), "2");
  assert.equal((await project.git("log", "-1", "--format=%s")).trim(), "--amend");
});

Deno.test("git takes pathspec magic in paths literally", async () => {
  await using project = await createTempProject(FILES, { git: true });
  await project.write("a.txt", "changed\n");
  const ctx = await createTestContext(project.root);
  await rejects(call(ctx, { operation: "add", paths: [":(glob)*.txt"] }), "GIT");
  assert.equal(await project.git("diff", "--cached", "--name-only"), "");
});

Deno.test("git refuses paths outside the project and protected files before running", async () => {
  await using project = await createTempProject({ ...FILES, "LOOM.md": "rules\n" }, { git: true });
  await project.write("LOOM.md", "edited by hand\n");
  const ctx = await createTestContext(project.root);
  await rejects(call(ctx, { operation: "restore", paths: ["LOOM.md"] }), "PROTECTED_PATH");
  await rejects(call(ctx, { operation: "add", paths: ["../elsewhere.txt"] }), "OUTSIDE_PROJECT");
  await rejects(call(ctx, { operation: "restore", paths: [".git/config"] }), "PROTECTED_PATH");
  assert.equal(await project.read("LOOM.md"), "edited by hand\n");
  assert.equal(await project.git("diff", "--cached", "--name-only"), "");
});

Deno.test("git runs the pre-commit hook only in a trusted project", async () => {
  await using project = await createTempProject(FILES, { git: true });
  await using m = await markerDir();
  await project.write(".git/hooks/pre-commit", `#!/bin/sh\ntouch '${m.marker}'\n`);
  await Deno.chmod(project.path(".git/hooks/pre-commit"), 0o755);
  await project.write("a.txt", "changed\n");
  await project.git("add", "a.txt");
  const untrusted = await createTestContext(project.root);
  await call(untrusted, { operation: "commit", message: "untrusted" });
  assert.equal((await project.git("log", "-1", "--format=%s")).trim(), "untrusted");
  assert.equal(await exists(m.marker), false);

  await project.write("a.txt", "again\n");
  await project.git("add", "a.txt");
  const trusted = await createTestContext(project.root, { trusted: true });
  await call(trusted, { operation: "commit", message: "trusted" });
  assert.equal(await exists(m.marker), true);
});

Deno.test("git ignores a core.fsmonitor command in the repository config", async () => {
  await using project = await createTempProject(FILES, { git: true });
  await using m = await markerDir();
  await project.git("config", "core.fsmonitor", `touch '${m.marker}'; false`);
  await project.write("a.txt", "changed\n");
  const ctx = await createTestContext(project.root);
  await call(ctx, { operation: "status" });
  await call(ctx, { operation: "diff" });
  await call(ctx, { operation: "add", paths: ["a.txt"] });
  await call(ctx, { operation: "commit", message: "c" });
  assert.equal(await exists(m.marker), false);
  await project.git("status"); // the trap is armed: plain git runs it
  assert.equal(await exists(m.marker), true);
});

Deno.test("git ignores diff.external in the repository config", async () => {
  await using project = await createTempProject(FILES, { git: true });
  await using m = await markerDir();
  await project.git("config", "diff.external", `touch '${m.marker}'; true`);
  await project.write("a.txt", "changed\n");
  const ctx = await createTestContext(project.root);
  assert.match((await call(ctx, { operation: "diff" })).text, /\+changed/);
  await call(ctx, { operation: "show", ref: "HEAD" });
  await call(ctx, { operation: "log" });
  assert.equal(await exists(m.marker), false);
  await project.git("diff");
  assert.equal(await exists(m.marker), true);
});

Deno.test("git neutralises filter and textconv drivers of the repository config", async () => {
  await using project = await createTempProject(FILES, { git: true });
  await using m = await markerDir();
  const payload = `touch '${m.marker}'; cat`;
  await project.write(".gitattributes", "*.txt filter=evil diff=evil\nb.txt filter=x=y\n");
  await project.git("config", "filter.evil.clean", payload);
  await project.git("config", "filter.evil.smudge", payload);
  await project.git("config", "diff.evil.textconv", payload);
  // A driver name with "=" cannot be blanked with `-c` (it splits at the first "=").
  await project.git("config", "filter.x=y.clean", payload);
  await project.write("a.txt", "changed\n");
  await project.write("b.txt", "changed too\n");
  const ctx = await createTestContext(project.root);
  await call(ctx, { operation: "status" });
  await call(ctx, { operation: "diff" });
  await call(ctx, { operation: "add", paths: ["a.txt", "b.txt"] });
  await call(ctx, { operation: "commit", message: "c" });
  await call(ctx, { operation: "show", ref: "HEAD" });
  await call(ctx, { operation: "blame", path: "a.txt" });
  await project.write("a.txt", "scratch\n");
  await call(ctx, { operation: "restore", paths: ["a.txt"] });
  await project.write("b.txt", "stash me\n");
  await call(ctx, { operation: "stash", action: "push" });
  await call(ctx, { operation: "stash", action: "pop" });
  await call(ctx, { operation: "switch", branch: "side", create: true });
  assert.equal(await exists(m.marker), false);
  assert.equal(await project.read("a.txt"), "changed\n");
  await project.git("-c", "filter.evil.clean=", "diff"); // only the "x=y" driver left
  assert.equal(await exists(m.marker), true);
});

Deno.test("git refuses stash pop when the repository config defines a merge driver", async () => {
  await using project = await createTempProject(FILES, { git: true });
  await using m = await markerDir();
  await project.write(".gitattributes", "*.txt merge=evil\n");
  await project.git("config", "merge.evil.driver", `touch '${m.marker}'; false`);
  await project.write("a.txt", "changed\n");
  await project.git("stash", "push", "-q");
  const ctx = await createTestContext(project.root);
  await rejects(call(ctx, { operation: "stash", action: "pop" }), "DENIED");
  assert.match(await project.git("stash", "list"), /stash@\{0\}/);
  assert.equal(await project.read("a.txt"), FILES["a.txt"]);
  assert.equal(await exists(m.marker), false);
});

Deno.test("git refuses a repository whose core.worktree points outside the project", async () => {
  await using project = await createTempProject(FILES, { git: true });
  await using elsewhere = await createTempProject({ "secret.txt": "s\n" });
  await project.git("config", "core.worktree", elsewhere.root);
  const index = await Deno.readFile(project.path(".git/index"));
  const ctx = await createTestContext(project.root);
  await rejects(call(ctx, { operation: "add", all: true }), "GIT");
  await rejects(call(ctx, { operation: "status" }), "GIT");
  assert.deepEqual(await Deno.readFile(project.path(".git/index")), index);
});

Deno.test("git ignores GIT_DIR and GIT_WORK_TREE inherited from the environment", async () => {
  await using project = await createTempProject(FILES, { git: true });
  await using other = await createTempProject({ "o.txt": "o\n" }, { git: true });
  const runner = createProcessRunner({
    env: { ...Deno.env.toObject(), GIT_DIR: other.path(".git"), GIT_WORK_TREE: other.root },
  });
  const ctx = await createTestContext(project.root, { runner });
  await project.write("a.txt", "changed\n");
  await call(ctx, { operation: "add", paths: ["a.txt"] });
  await call(ctx, { operation: "commit", message: "here" });
  assert.equal((await project.git("log", "-1", "--format=%s")).trim(), "here");
  assert.equal((await other.git("rev-list", "--count", "HEAD")).trim(), "1");
});

Deno.test("git reads only the project inside a larger repository and changes nothing", async () => {
  await using outer = await createTempProject({ "app/a.txt": "a\n", "top.txt": "t\n" }, {
    git: true,
  });
  await outer.write("app/a.txt", "changed\n");
  await outer.write("top.txt", "changed\n");
  const index = await Deno.readFile(outer.path(".git/index"));
  const ctx = await createTestContext(outer.path("app"));
  const status = await call(ctx, { operation: "status" });
  assert.deepEqual(status.structured?.unstaged, [{ path: "a.txt", code: "M" }]);
  const diff = await call(ctx, { operation: "diff" });
  assert.doesNotMatch(diff.text, /top\.txt/);
  await rejects(call(ctx, { operation: "add", all: true }), "DENIED");
  await rejects(call(ctx, { operation: "commit", message: "x" }), "DENIED");
  assert.deepEqual(await Deno.readFile(outer.path(".git/index")), index);
  assert.equal((await outer.git("rev-list", "--count", "HEAD")).trim(), "1");
});
