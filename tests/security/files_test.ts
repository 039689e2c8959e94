import assert from "node:assert/strict";
import { isLoomError } from "../../src/core/mod.ts";
import type { ToolContext } from "../../src/tools/define.ts";
import { fileEdit } from "../../src/tools/file_edit.ts";
import { fileRead } from "../../src/tools/file_read.ts";
import { fileWrite } from "../../src/tools/file_write.ts";
import { readIfExists, unchangedSince, writeFileAtomic } from "../../src/tools/_files.ts";
import { createTempProject } from "../_lib/project.ts";
import { createTestContext } from "../_lib/context.ts";

const bytesOf = (text: string) => new TextEncoder().encode(text);

function edit(ctx: ToolContext, path: string, old_string: string, new_string: string) {
  return fileEdit.run({ path, edits: [{ old_string, new_string }] }, ctx);
}

async function names(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(dir)) out.push(entry.name);
  return out.sort();
}

Deno.test("binary and non-UTF-8 files are refused by file_edit and file_write and stay byte-identical", async () => {
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x61]);
  const latin1 = new Uint8Array([0x61, 0x3d, 0xe9, 0x0a]);
  const elf = new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0, 0x61]);
  await using project = await createTempProject({ "i.png": png, "l.txt": latin1, "a.out": elf });
  const ctx = await createTestContext(project.root);
  await fileRead.run({ path: "l.txt" }, ctx); // readable (lossy), so only the encoding stops the edit
  await assert.rejects(edit(ctx, "i.png", "a", "b"), (e) => isLoomError(e, "BINARY_FILE"));
  await assert.rejects(edit(ctx, "a.out", "a", "b"), (e) => isLoomError(e, "BINARY_FILE"));
  await assert.rejects(edit(ctx, "l.txt", "a=", "b="), (e) => isLoomError(e, "ENCODING"));
  await assert.rejects(
    fileWrite.run({ path: "i.png", content: "text" }, ctx),
    (e) => isLoomError(e, "NOT_READ"),
  );
  assert.deepEqual(await Deno.readFile(project.path("i.png")), png);
  assert.deepEqual(await Deno.readFile(project.path("l.txt")), latin1);
  assert.deepEqual(await Deno.readFile(project.path("a.out")), elf);
  assert.deepEqual(await names(project.root), ["a.out", "i.png", "l.txt"]);
});

Deno.test("file_edit keeps a UTF-8 BOM and CRLF line endings byte for byte", async () => {
  const original = "\uFEFFline one\r\nline two\r\nline three\r\n";
  await using project = await createTempProject({ "w.cs": bytesOf(original) });
  const ctx = await createTestContext(project.root);
  const shown = await fileRead.run({ path: "w.cs" }, ctx);
  assert.ok(!shown.text.includes("\uFEFF") && !shown.text.includes("\r"));
  await edit(ctx, "w.cs", "line two\nline three", "line 2\nline 2.5\nline three");
  assert.deepEqual(
    await Deno.readFile(project.path("w.cs")),
    bytesOf("\uFEFFline one\r\nline 2\r\nline 2.5\r\nline three\r\n"),
  );
  await edit(ctx, "w.cs", "line one", "first");
  assert.deepEqual(
    await Deno.readFile(project.path("w.cs")),
    bytesOf("\uFEFFfirst\r\nline 2\r\nline 2.5\r\nline three\r\n"),
  );
});

Deno.test("a multi-edit whose last edit fails leaves the file byte-identical and in place", async () => {
  const original = "a = 1\nb = 2\nc = 2\n";
  await using project = await createTempProject({ "cfg.py": original });
  const ctx = await createTestContext(project.root);
  await fileRead.run({ path: "cfg.py" }, ctx);
  const before = await Deno.stat(project.path("cfg.py"));
  await assert.rejects(
    fileEdit.run({
      path: "cfg.py",
      edits: [
        { old_string: "a = 1", new_string: "a = 10" },
        { old_string: "b = 2", new_string: "b = 20" },
        { old_string: "= 2", new_string: "= 3" },
      ],
    }, ctx),
    (e) =>
      isLoomError(e, "AMBIGUOUS_EDIT") && /edit 3 matches 2 times \(lines 2, 3\)/.test(e.message),
  );
  assert.deepEqual(await Deno.readFile(project.path("cfg.py")), bytesOf(original));
  const after = await Deno.stat(project.path("cfg.py"));
  assert.equal(after.ino, before.ino);
  assert.equal(after.mtime?.getTime(), before.mtime?.getTime());
  assert.deepEqual(await names(project.root), ["cfg.py"]);
});

Deno.test("of two file_edit calls racing on one file exactly one succeeds and the other is stale", async () => {
  for (let round = 0; round < 10; round++) {
    await using project = await createTempProject({ "race.txt": "left\nright\n" });
    const ctx = await createTestContext(project.root);
    await fileRead.run({ path: "race.txt" }, ctx);
    const results = await Promise.allSettled([
      edit(ctx, "race.txt", "left", "LEFT"),
      edit(ctx, "race.txt", "right", "RIGHT"),
    ]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r) => r.status === "rejected");
    assert.equal(won.length, 1, `round ${round}`);
    assert.ok(isLoomError(lost[0].reason, "STALE_FILE"), String(lost[0].reason));
    const final = await project.read("race.txt");
    assert.ok(["LEFT\nright\n", "left\nRIGHT\n"].includes(final), final);
    assert.deepEqual(await names(project.root), ["race.txt"]);
  }
});

Deno.test("a file_write racing a file_edit on one file lets exactly one through", async () => {
  await using project = await createTempProject({ "race.txt": "one\n" });
  const ctx = await createTestContext(project.root);
  await fileRead.run({ path: "race.txt" }, ctx);
  const results = await Promise.allSettled([
    fileWrite.run({ path: "race.txt", content: "written\n" }, ctx),
    edit(ctx, "race.txt", "one", "edited"),
  ]);
  assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
  assert.ok(["written\n", "edited\n"].includes(await project.read("race.txt")));
  assert.deepEqual(await names(project.root), ["race.txt"]);
});

Deno.test("writes after an outside change are refused and the outside change survives", async () => {
  await using project = await createTempProject({ "a.txt": "mine\n" });
  const ctx = await createTestContext(project.root);
  await fileRead.run({ path: "a.txt" }, ctx);
  await project.write("a.txt", "theirs\n");
  await assert.rejects(
    fileWrite.run({ path: "a.txt", content: "mine, updated\n" }, ctx),
    (e) => isLoomError(e, "STALE_FILE"),
  );
  await assert.rejects(edit(ctx, "a.txt", "theirs", "x"), (e) => isLoomError(e, "STALE_FILE"));
  assert.equal(await project.read("a.txt"), "theirs\n");
  await fileRead.run({ path: "a.txt" }, ctx);
  await edit(ctx, "a.txt", "theirs", "merged");
  assert.equal(await project.read("a.txt"), "merged\n");
});

for (
  const [how, change] of [
    ["written in place", (abs: string) => Deno.writeTextFile(abs, "sneaky\n")],
    ["replaced by a rename", async (abs: string) => {
      await Deno.writeTextFile(`${abs}.new`, "sneaky\n");
      await Deno.rename(`${abs}.new`, abs);
    }],
    ["written in place, same size", (abs: string) => Deno.writeTextFile(abs, "v9\n")],
  ] as const
) {
  Deno.test(`a change that lands between the check and the rename aborts the write and cleans up: ${how}`, async () => {
    await using project = await createTempProject({ "a.txt": "v1\n" });
    const abs = project.path("a.txt");
    using existing = await readIfExists(abs, "edit", "a.txt");
    assert.ok(existing?.open, "a small file stays open for the re-check");
    const check = unchangedSince(abs, existing, "edit", "a.txt");
    await assert.rejects(
      writeFileAtomic(abs, bytesOf("v2\n"), {
        beforeRename: async () => {
          await change(abs);
          await check();
        },
      }),
      (e) => isLoomError(e, "STALE_FILE"),
    );
    assert.notEqual(await project.read("a.txt"), "v2\n");
    assert.deepEqual(await names(project.root), ["a.txt"]);
  });
}

Deno.test("an executable keeps mode 755 through file_edit and file_write", async () => {
  await using project = await createTempProject({ "run.sh": "#!/bin/sh\necho one\n" });
  await Deno.chmod(project.path("run.sh"), 0o755);
  const ctx = await createTestContext(project.root);
  await fileRead.run({ path: "run.sh" }, ctx);
  await edit(ctx, "run.sh", "one", "two");
  assert.equal((await Deno.stat(project.path("run.sh"))).mode! & 0o7777, 0o755);
  await fileWrite.run({ path: "run.sh", content: "#!/bin/sh\necho three\n" }, ctx);
  assert.equal((await Deno.stat(project.path("run.sh"))).mode! & 0o7777, 0o755);
  await Deno.chmod(project.path("run.sh"), 0o600);
  await edit(ctx, "run.sh", "three", "four");
  assert.equal((await Deno.stat(project.path("run.sh"))).mode! & 0o7777, 0o600);
});
