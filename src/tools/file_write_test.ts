import assert from "node:assert/strict";
import { isLoomError } from "../core/mod.ts";
import { createTempProject } from "../../tests/_lib/project.ts";
import { createTestContext } from "../../tests/_lib/context.ts";
import { fileEdit } from "./file_edit.ts";
import { fileRead } from "./file_read.ts";
import { fileWrite } from "./file_write.ts";

async function listDir(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  return names.sort();
}

Deno.test("file_write creates a new file and its parent directories with mode 0644", async () => {
  await using project = await createTempProject();
  const ctx = await createTestContext(project.root);
  const result = await fileWrite.run({ path: "src/deep/new.ts", content: "a\nb\n" }, ctx);
  assert.equal(result.text, 'Created "src/deep/new.ts" (4 bytes, 2 lines)');
  assert.equal(await project.read("src/deep/new.ts"), "a\nb\n");
  assert.equal((await Deno.stat(project.path("src/deep/new.ts"))).mode! & 0o777, 0o644);
});

Deno.test("file_write refuses to overwrite a file that was not read and leaves it as it was", async () => {
  await using project = await createTempProject({ "a.txt": "original\n" });
  const ctx = await createTestContext(project.root);
  await assert.rejects(
    fileWrite.run({ path: "a.txt", content: "new\n" }, ctx),
    (err) => isLoomError(err, "NOT_READ") && /call file_read on it first/.test(err.message),
  );
  assert.equal(await project.read("a.txt"), "original\n");
});

Deno.test("file_write overwrites a file read in this session and counts the changed lines", async () => {
  await using project = await createTempProject({ "a.txt": "one\ntwo\nthree\n" });
  const ctx = await createTestContext(project.root);
  await fileRead.run({ path: "a.txt" }, ctx);
  const result = await fileWrite.run({ path: "a.txt", content: "one\n2\nthree\nfour\n" }, ctx);
  assert.equal(result.text, 'Overwrote "a.txt" (17 bytes, 4 lines; +2 −1 lines)');
  assert.equal(await project.read("a.txt"), "one\n2\nthree\nfour\n");
});

Deno.test("file_write refuses a file changed on disk since it was read", async () => {
  await using project = await createTempProject({ "a.txt": "v1\n" });
  const ctx = await createTestContext(project.root);
  await fileRead.run({ path: "a.txt" }, ctx);
  await project.write("a.txt", "changed by someone else\n");
  await assert.rejects(
    fileWrite.run({ path: "a.txt", content: "v2\n" }, ctx),
    (err) => isLoomError(err, "STALE_FILE") && /call file_read on it again/.test(err.message),
  );
  assert.equal(await project.read("a.txt"), "changed by someone else\n");
});

Deno.test("file_write records what it wrote so a following file_edit needs no new read", async () => {
  await using project = await createTempProject();
  const ctx = await createTestContext(project.root);
  await fileWrite.run({ path: "a.txt", content: "hello world\n" }, ctx);
  await fileEdit.run({ path: "a.txt", edits: [{ old_string: "world", new_string: "loom" }] }, ctx);
  assert.equal(await project.read("a.txt"), "hello loom\n");
});

Deno.test("file_write refuses a directory as its target", async () => {
  await using project = await createTempProject({ "src/a.ts": "x\n" });
  const ctx = await createTestContext(project.root);
  await assert.rejects(
    fileWrite.run({ path: "src", content: "x" }, ctx),
    (err) => isLoomError(err, "INVALID_INPUT") && /is a directory/.test(err.message),
  );
  assert.deepEqual(await listDir(project.path("src")), ["a.ts"]);
});

Deno.test("file_write refuses a path under a file as if it were a directory", async () => {
  await using project = await createTempProject({ "a.txt": "x\n" });
  const ctx = await createTestContext(project.root);
  await assert.rejects(fileWrite.run({ path: "a.txt/b.txt", content: "x" }, ctx), isLoomError);
  assert.equal(await project.read("a.txt"), "x\n");
});

Deno.test("file_write keeps the mode of the file it replaces", async () => {
  await using project = await createTempProject({ "run.sh": "#!/bin/sh\necho hi\n" });
  await Deno.chmod(project.path("run.sh"), 0o755);
  const ctx = await createTestContext(project.root);
  await fileRead.run({ path: "run.sh" }, ctx);
  await fileWrite.run({ path: "run.sh", content: "#!/bin/sh\necho bye\n" }, ctx);
  assert.equal((await Deno.stat(project.path("run.sh"))).mode! & 0o7777, 0o755);
});

Deno.test("file_write leaves no temp file beside the target", async () => {
  await using project = await createTempProject({ "dir/a.txt": "1\n" });
  const ctx = await createTestContext(project.root);
  await fileRead.run({ path: "dir/a.txt" }, ctx);
  await fileWrite.run({ path: "dir/a.txt", content: "2\n" }, ctx);
  await fileWrite.run({ path: "dir/b.txt", content: "3\n" }, ctx);
  assert.deepEqual(await listDir(project.path("dir")), ["a.txt", "b.txt"]);
});

Deno.test("file_write through a symlink replaces the real target and keeps the link", async () => {
  await using project = await createTempProject({ "real.txt": "old\n" });
  await Deno.symlink("real.txt", project.path("link.txt"));
  const ctx = await createTestContext(project.root);
  await fileRead.run({ path: "link.txt" }, ctx);
  const result = await fileWrite.run({ path: "link.txt", content: "new\n" }, ctx);
  assert.match(result.text, /^Overwrote "real.txt"/);
  assert.equal(await project.read("real.txt"), "new\n");
  assert.ok((await Deno.lstat(project.path("link.txt"))).isSymlink);
});

Deno.test("file_write refuses protected paths in both permission and run", async () => {
  await using project = await createTempProject({ "LOOM.md": "rules\n" }, { git: true });
  const ctx = await createTestContext(project.root);
  for (const path of [".git/config", "LOOM.md", ".loom/x", ".loom.toml"]) {
    await assert.rejects(
      Promise.resolve().then(() => fileWrite.permission({ path, content: "x" }, ctx)),
      (err) => isLoomError(err, "PROTECTED_PATH"),
    );
    await assert.rejects(
      fileWrite.run({ path, content: "x" }, ctx),
      (err) => isLoomError(err, "PROTECTED_PATH"),
    );
  }
  assert.equal(await project.read("LOOM.md"), "rules\n");
  assert.ok(!(await project.read(".git/config")).includes("x\n"));
});

Deno.test("file_write asks for write permission on the project-relative path", async () => {
  await using project = await createTempProject();
  const ctx = await createTestContext(project.root);
  assert.deepEqual(await fileWrite.permission({ path: "./src/../a.txt", content: "x" }, ctx), {
    kind: "write",
    tool: "file_write",
    paths: ["a.txt"],
  });
});

Deno.test("file_write writes nothing when the call is already aborted", async () => {
  await using project = await createTempProject();
  const controller = new AbortController();
  controller.abort();
  const ctx = await createTestContext(project.root, { signal: controller.signal });
  await assert.rejects(
    fileWrite.run({ path: "a.txt", content: "x" }, ctx),
    (err) => isLoomError(err, "CANCELLED"),
  );
  assert.deepEqual(await listDir(project.root), []);
});
