import assert from "node:assert/strict";
import { createTestContext } from "../../tests/_lib/context.ts";
import { createTempProject } from "../../tests/_lib/project.ts";
import { fileEdit } from "../tools/file_edit.ts";
import { fileRead } from "../tools/file_read.ts";
import { fileWrite } from "../tools/file_write.ts";
import type { Tool } from "../tools/define.ts";
import { createCheckpoints } from "./checkpoint.ts";

function wrapped() {
  const checkpoints = createCheckpoints();
  const tools = checkpoints.wrap(
    new Map<string, Tool>([[fileRead.name, fileRead], [fileWrite.name, fileWrite], [
      fileEdit.name,
      fileEdit,
    ]]),
  );
  return { checkpoints, tools };
}

Deno.test("undo puts back each file the last writing turn changed and removes the files it created", async () => {
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

  const undone = await checkpoints.undo();
  assert.deepEqual(undone, { restored: ["a.txt"], removed: ["dir/new.txt"] });
  assert.equal(await project.read("a.txt"), "one\n", "the state before the turn's first write");
  await assert.rejects(Deno.stat(project.path("dir/new.txt")), Deno.errors.NotFound);
  assert.equal(await project.read("keep.txt"), "keep\n");
  assert.equal(await checkpoints.undo(), undefined);
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
