import assert from "node:assert/strict";
import { createTestContext } from "../../tests/_lib/context.ts";
import { createTempProject } from "../../tests/_lib/project.ts";
import type { ProcessRunner } from "../core/mod.ts";
import { fileEdit } from "../tools/file_edit.ts";
import { fileRead } from "../tools/file_read.ts";
import { fileWrite } from "../tools/file_write.ts";
import { git } from "../tools/git.ts";
import { shell } from "../tools/shell.ts";
import type { Tool } from "../tools/define.ts";
import { type CheckpointOptions, createCheckpoints } from "./checkpoint.ts";

function wrapped(options: CheckpointOptions = {}) {
  const checkpoints = createCheckpoints(options);
  const tools = checkpoints.wrap(
    new Map<string, Tool>([fileRead, fileWrite, fileEdit, shell, git].map((t) => [t.name, t])),
  );
  return { checkpoints, tools };
}

/** A runner that records every argv it starts. */
function recording(runner: ProcessRunner): ProcessRunner & { argvs: string[][] } {
  const argvs: string[][] = [];
  return {
    argvs,
    sandboxMode: runner.sandboxMode,
    run(argv, options) {
      argvs.push(argv);
      return runner.run(argv, options);
    },
  };
}

Deno.test("outside git, undo puts back each file the last writing turn changed and removes the files it created", async () => {
  await using project = await createTempProject({ "a.txt": "one\n", "keep.txt": "keep\n" });
  const ctx = await createTestContext(project.root);
  const { checkpoints, tools } = wrapped();
  checkpoints.begin();
  await tools.get("file_read")!.run({ path: "a.txt" }, ctx);
  const edits = [{ old_string: "one", new_string: "two" }];
  assert.equal(
    (await tools.get("file_edit")!.run({ path: "a.txt", edits }, ctx)).isError,
    undefined,
  );
  await tools.get("file_edit")!.run({
    path: "a.txt",
    edits: [{ old_string: "two", new_string: "three" }],
  }, ctx);
  await tools.get("file_write")!.run({ path: "dir/new.txt", content: "new\n" }, ctx);
  checkpoints.begin(); // a turn that wrote nothing is skipped by undo
  assert.equal(await project.read("a.txt"), "three\n");

  const undone = await checkpoints.undo(ctx);
  assert.ok(!("none" in undone));
  assert.deepEqual(undone.restored, ["a.txt"]);
  assert.deepEqual(undone.removed, ["dir/new.txt"]);
  assert.match(undone.notes.join("\n"), /not a git repository.*only changes made with file_write/);
  assert.equal(await project.read("a.txt"), "one\n", "the state before the turn's first write");
  await assert.rejects(Deno.stat(project.path("dir/new.txt")), Deno.errors.NotFound);
  assert.equal(await project.read("keep.txt"), "keep\n");
  assert.deepEqual(await checkpoints.undo(ctx), { none: true });
});

Deno.test("outside git, a turn that only ran shell leaves nothing to undo and says why", async () => {
  await using project = await createTempProject({ "a.txt": "one\n" });
  const ctx = await createTestContext(project.root);
  const { checkpoints, tools } = wrapped();
  checkpoints.begin();
  await tools.get("shell")!.run({ command: "echo two > a.txt" }, ctx);
  const undone = await checkpoints.undo(ctx);
  assert.deepEqual(undone, { none: true, why: "the project is not a git repository" });
  assert.equal(await project.read("a.txt"), "two\n");
});

Deno.test("in git, the last turn's shell and file tool changes are undone together", async () => {
  await using project = await createTempProject(
    { "edit.txt": "before\n", "gone.txt": "keep me\n", "tool.txt": "tool\n" },
    { git: true },
  );
  const ctx = await createTestContext(project.root);
  const { checkpoints, tools } = wrapped();
  checkpoints.begin();
  await tools.get("file_read")!.run({ path: "tool.txt" }, ctx);
  await tools.get("file_write")!.run({ path: "tool.txt", content: "by the tool\n" }, ctx);
  const ran = await tools.get("shell")!.run({
    command: "echo after > edit.txt; rm gone.txt; mkdir -p gen/deep; echo new > gen/deep/new.txt",
  }, ctx);
  assert.equal(ran.isError, undefined, ran.text);
  await tools.get("file_read")!.run({ path: "edit.txt" }, ctx);
  await tools.get("file_edit")!.run({
    path: "edit.txt",
    edits: [{ old_string: "after", new_string: "edited" }],
  }, ctx);

  const undone = await checkpoints.undo(ctx);
  assert.ok(!("none" in undone));
  assert.deepEqual(undone.restored, ["edit.txt", "gone.txt", "tool.txt"]);
  assert.deepEqual(undone.removed, ["gen/deep/new.txt"]);
  assert.deepEqual(undone.notes, []);
  assert.equal(await project.read("edit.txt"), "before\n", "the bytes from before the turn");
  assert.equal(await project.read("gone.txt"), "keep me\n");
  assert.equal(await project.read("tool.txt"), "tool\n");
  await assert.rejects(Deno.stat(project.path("gen")), Deno.errors.NotFound);
});

Deno.test("only calls that may change files take a checkpoint, once per turn", async () => {
  await using project = await createTempProject({ "a.txt": "a\n" }, { git: true });
  const base = await createTestContext(project.root);
  const runner = recording(base.runner);
  const ctx = { ...base, runner };
  const { checkpoints, tools } = wrapped();
  const hashes = () =>
    runner.argvs.filter((a) => a.includes("hash-object") && a.includes("-w"))
      .length;
  checkpoints.begin();
  await tools.get("file_read")!.run({ path: "a.txt" }, ctx);
  await tools.get("git")!.run({ operation: "status" }, ctx);
  assert.equal(hashes(), 0, "reads and git status take no checkpoint");
  await tools.get("shell")!.run({ command: "true" }, ctx);
  await tools.get("shell")!.run({ command: "true" }, ctx);
  assert.equal(hashes(), 1, "the first change of the turn takes it");
  assert.deepEqual(await checkpoints.undo(ctx), { none: true }, "nothing changed");

  const oneShot = wrapped({ tree: false });
  oneShot.checkpoints.begin();
  await oneShot.tools.get("shell")!.run({ command: "true" }, ctx);
  assert.equal(hashes(), 1, "without trees (one-shot runs) no snapshot is taken");
});

Deno.test("each write leaves a unified diff for display, taken once, and permission checks record the arguments", async () => {
  await using project = await createTempProject({ "a.txt": "alpha\n" });
  const ctx = await createTestContext(project.root);
  const { checkpoints, tools } = wrapped();
  checkpoints.begin();
  await tools.get("file_read")!.permission({ path: "a.txt" }, ctx);
  assert.deepEqual(checkpoints.lastInput("file_read"), { path: "a.txt" });
  await tools.get("file_read")!.run({ path: "a.txt" }, ctx);
  await tools.get("file_edit")!.run({
    path: "a.txt",
    edits: [{ old_string: "alpha", new_string: "beta" }],
  }, ctx);
  const diff = checkpoints.takeDiff("a.txt")!;
  assert.match(diff, /--- a\.txt\t?\n\+\+\+ a\.txt\t?\n@@ -1,1 \+1,1 @@\n-alpha\n\+beta\n/);
  assert.equal(checkpoints.takeDiff("a.txt"), undefined);
});

Deno.test("a write that rewrites a large file wholly costs a bounded diff, not a full one", async () => {
  // A full Myers diff of 10,000 lines rewritten took 25 s, growing with the square: the turn
  // waited on it. Past a deadline no diff is shown; the write itself is untouched.
  const lines = (tag: string) =>
    Array.from({ length: 60_000 }, (_, i) => `${tag} ${i} ${(i * 7) % 13}`).join("\n") + "\n";
  await using project = await createTempProject({ "big.txt": lines("old") });
  const ctx = await createTestContext(project.root);
  const { checkpoints, tools } = wrapped();
  checkpoints.begin();
  await tools.get("file_read")!.run({ path: "big.txt" }, ctx);
  const result = await tools.get("file_write")!.run(
    { path: "big.txt", content: lines("new") },
    ctx,
  );
  assert.ok(!result.isError, result.text);
  assert.equal(await Deno.readTextFile(`${project.root}/big.txt`), lines("new"));
  assert.equal(checkpoints.takeDiff("big.txt"), undefined);
});
