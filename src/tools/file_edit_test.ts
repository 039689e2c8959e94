import assert from "node:assert/strict";
import { isLoomError } from "../core/mod.ts";
import { createTempProject } from "../../tests/_lib/project.ts";
import { createTestContext } from "../../tests/_lib/context.ts";
import type { ToolContext } from "./define.ts";
import { fileEdit } from "./file_edit.ts";
import { fileRead } from "./file_read.ts";

async function readyProject(files: Record<string, string | Uint8Array>) {
  const project = await createTempProject(files);
  const ctx = await createTestContext(project.root);
  for (const path of Object.keys(files)) await fileRead.run({ path }, ctx).catch(() => {});
  return { project, ctx };
}

function edit(ctx: ToolContext, path: string, ...pairs: [string, string, boolean?][]) {
  const edits = pairs.map(([old_string, new_string, replace_all]) => ({
    old_string,
    new_string,
    replace_all,
  }));
  return fileEdit.run({ path, edits }, ctx);
}

Deno.test("file_edit replaces one exact match and answers with a unified diff", async () => {
  const { project, ctx } = await readyProject({ "src/app.ts": "const a = 1;\nconst b = 2;\n" });
  await using _ = project;
  const result = await edit(ctx, "src/app.ts", ["const b = 2;", "const b = 3;"]);
  assert.equal(await project.read("src/app.ts"), "const a = 1;\nconst b = 3;\n");
  assert.equal(
    result.text,
    'Edited "src/app.ts": 1 edit, 1 replacement (+1 −1 lines)\n' +
      "--- src/app.ts\n+++ src/app.ts\n@@ -1,2 +1,2 @@\n const a = 1;\n-const b = 2;\n+const b = 3;\n",
  );
});

Deno.test("file_edit applies several edits in order, each to the result of the one before", async () => {
  const { project, ctx } = await readyProject({ "a.txt": "alpha\n" });
  await using _ = project;
  await edit(ctx, "a.txt", ["alpha", "beta"], ["beta", "gamma"]);
  assert.equal(await project.read("a.txt"), "gamma\n");
});

Deno.test("file_edit with replace_all changes every occurrence and counts them", async () => {
  const { project, ctx } = await readyProject({ "a.txt": "foo bar foo\nfoo\n" });
  await using _ = project;
  const result = await edit(ctx, "a.txt", ["foo", "baz", true]);
  assert.equal(await project.read("a.txt"), "baz bar baz\nbaz\n");
  assert.match(result.text, /^Edited "a.txt": 1 edit, 3 replacements/);
});

Deno.test("file_edit rejects an old_string that matches three times and names the lines", async () => {
  const lines = Array.from({ length: 80 }, (_, i) => [12, 40, 77].includes(i + 1) ? "x();" : "y");
  const { project, ctx } = await readyProject({ "src/app.ts": lines.join("\n") + "\n" });
  await using _ = project;
  await assert.rejects(
    edit(ctx, "src/app.ts", ["x();", "z();"]),
    (err) =>
      isLoomError(err, "AMBIGUOUS_EDIT") &&
      err.message ===
        'Cannot edit "src/app.ts": old_string matches 3 times (lines 12, 40, 77); add context or set replace_all',
  );
});

Deno.test("file_edit on no match shows the closest lines with their numbers", async () => {
  const { project, ctx } = await readyProject({
    "a.ts": "import x from 'x';\n\nfunction handleRequest(req, res) {\n  return res;\n}\n",
  });
  await using _ = project;
  await assert.rejects(
    edit(ctx, "a.ts", ["function handleRequests(req) {", "function f() {"]),
    (err) =>
      isLoomError(err, "NO_MATCH") &&
      err.message.startsWith('Cannot edit "a.ts": old_string was not found;') &&
      err.message.includes("Closest lines:\n     3\tfunction handleRequest(req, res) {"),
  );
});

Deno.test("file_edit on no match says when whitespace is the only difference", async () => {
  const { project, ctx } = await readyProject({ "a.py": "def f():\n    return 1\n" });
  await using _ = project;
  await assert.rejects(
    edit(ctx, "a.py", ["def f():\n  return 1", "def f():\n  return 2"]),
    (err) =>
      isLoomError(err, "NO_MATCH") &&
      /matches at line 1 if whitespace is ignored/.test(err.message),
  );
});

Deno.test("file_edit on no match finds a whitespace-only difference deep in a long, repetitive file", async () => {
  // Searched by flattening whitespace: the regex of words joined by \s+ it replaces took seconds
  // on text like this with a long old_string (each start matched thousands of words, then failed).
  const filler = "x = x\n".repeat(100_000);
  const target = "if (ready) {\n\tgo(  1 );\n}\n";
  const { project, ctx } = await readyProject({ "big.txt": filler + target });
  await using _ = project;
  await assert.rejects(
    edit(ctx, "big.txt", ["x = x\n".repeat(2000) + "if (ready) {\n  go( 1 );", "done"]),
    (err) =>
      isLoomError(err, "NO_MATCH") &&
      /matches at line 98001 if whitespace is ignored/.test(err.message),
  );
});

Deno.test("file_edit on no match spots line-number prefixes copied from file_read", async () => {
  const { project, ctx } = await readyProject({ "a.txt": "one\ntwo\n" });
  await using _ = project;
  await assert.rejects(
    edit(ctx, "a.txt", ["     1\tone\n     2\ttwo", "three"]),
    (err) => isLoomError(err, "NO_MATCH") && /line-number prefixes/.test(err.message),
  );
});

Deno.test("file_edit writes nothing when a later edit fails", async () => {
  const { project, ctx } = await readyProject({ "a.txt": "one\ntwo\n" });
  await using _ = project;
  await assert.rejects(
    edit(ctx, "a.txt", ["one", "1"], ["missing", "x"]),
    (err) => isLoomError(err, "NO_MATCH") && /old_string of edit 2 was not found/.test(err.message),
  );
  assert.equal(await project.read("a.txt"), "one\ntwo\n");
});

Deno.test("file_edit rejects an empty old_string and points to file_write", async () => {
  const { project, ctx } = await readyProject({ "a.txt": "x\n" });
  await using _ = project;
  await assert.rejects(
    edit(ctx, "a.txt", ["", "y"]),
    (err) => isLoomError(err, "INVALID_INPUT") && /file_write/.test(err.message),
  );
});

Deno.test("file_edit rejects an old_string equal to its new_string", async () => {
  const { project, ctx } = await readyProject({ "a.txt": "x\n" });
  await using _ = project;
  await assert.rejects(edit(ctx, "a.txt", ["x", "x"]), (err) => isLoomError(err, "INVALID_INPUT"));
});

Deno.test("file_edit refuses a file that was not read in this session", async () => {
  await using project = await createTempProject({ "a.txt": "x\n" });
  const ctx = await createTestContext(project.root);
  await assert.rejects(edit(ctx, "a.txt", ["x", "y"]), (err) => isLoomError(err, "NOT_READ"));
  assert.equal(await project.read("a.txt"), "x\n");
});

Deno.test("file_edit refuses a file changed on disk since it was read", async () => {
  const { project, ctx } = await readyProject({ "a.txt": "x\n" });
  await using _ = project;
  await project.write("a.txt", "x\nmore\n");
  await assert.rejects(edit(ctx, "a.txt", ["x", "y"]), (err) => isLoomError(err, "STALE_FILE"));
  assert.equal(await project.read("a.txt"), "x\nmore\n");
});

Deno.test("file_edit on a missing file suggests the closest name", async () => {
  const { project, ctx } = await readyProject({ "src/main.ts": "x\n" });
  await using _ = project;
  await assert.rejects(
    edit(ctx, "src/mian.ts", ["x", "y"]),
    (err) => isLoomError(err, "NOT_FOUND") && err.message.endsWith('Did you mean "src/main.ts"?'),
  );
  assert.equal(await project.read("src/main.ts"), "x\n");
});

Deno.test("file_edit matches LF old_string in a CRLF file and writes CRLF back", async () => {
  const { project, ctx } = await readyProject({ "w.txt": "a\r\nb\r\nc\r\n" });
  await using _ = project;
  await edit(ctx, "w.txt", ["a\nb", "a\nB\nextra"]);
  assert.equal(await project.read("w.txt"), "a\r\nB\r\nextra\r\nc\r\n");
});

Deno.test("file_edit matches CRLF old_string in an LF file and writes LF", async () => {
  const { project, ctx } = await readyProject({ "u.txt": "a\nb\n" });
  await using _ = project;
  await edit(ctx, "u.txt", ["a\r\nb", "x\r\ny"]);
  assert.equal(await project.read("u.txt"), "x\ny\n");
});

Deno.test("file_edit matches a mixed-ending file byte for byte", async () => {
  const { project, ctx } = await readyProject({ "m.txt": "a\r\nb\nc\n" });
  await using _ = project;
  await assert.rejects(edit(ctx, "m.txt", ["a\nb", "x"]), (err) => isLoomError(err, "NO_MATCH"));
  await edit(ctx, "m.txt", ["a\r\nb", "x"]);
  assert.equal(await project.read("m.txt"), "x\nc\n");
});

Deno.test("file_edit refuses a file that is not UTF-8", async () => {
  const latin1 = new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0a]);
  const { project, ctx } = await readyProject({ "l.txt": latin1 });
  await using _ = project;
  await assert.rejects(edit(ctx, "l.txt", ["caf", "tea"]), (err) => isLoomError(err, "ENCODING"));
  assert.deepEqual(await Deno.readFile(project.path("l.txt")), latin1);
});

Deno.test("file_edit inserts dollar patterns in new_string literally", async () => {
  const { project, ctx } = await readyProject({ "a.txt": "price\n" });
  await using _ = project;
  await edit(ctx, "a.txt", ["price", "$& $1 $$"]);
  assert.equal(await project.read("a.txt"), "$& $1 $$\n");
});

Deno.test("file_edit records its result so a second edit needs no new read", async () => {
  const { project, ctx } = await readyProject({ "a.txt": "one\n" });
  await using _ = project;
  await edit(ctx, "a.txt", ["one", "two"]);
  await edit(ctx, "a.txt", ["two", "three"]);
  assert.equal(await project.read("a.txt"), "three\n");
});

Deno.test("file_edit leaves the file untouched when its edits cancel out", async () => {
  const { project, ctx } = await readyProject({ "a.txt": "one\n" });
  await using _ = project;
  const before = await Deno.stat(project.path("a.txt"));
  const result = await edit(ctx, "a.txt", ["one", "two"], ["two", "one"]);
  assert.match(result.text, /unchanged/);
  assert.equal((await Deno.stat(project.path("a.txt"))).ino, before.ino);
});

Deno.test("file_edit asks for write permission and refuses protected paths", async () => {
  await using project = await createTempProject({ "src/a.ts": "x\n" }, { git: true });
  const ctx = await createTestContext(project.root);
  const input = { path: "src/a.ts", edits: [{ old_string: "x", new_string: "y" }] };
  assert.deepEqual(await fileEdit.permission(input, ctx), {
    kind: "write",
    tool: "file_edit",
    paths: ["src/a.ts"],
  });
  await assert.rejects(
    Promise.resolve().then(() => fileEdit.permission({ ...input, path: ".git/config" }, ctx)),
    (err) => isLoomError(err, "PROTECTED_PATH"),
  );
});

Deno.test("file_edit's schema requires at least one edit", () => {
  assert.equal(fileEdit.input.safeParse({ path: "a", edits: [] }).success, false);
  assert.equal(
    fileEdit.input.safeParse({ path: "a", edits: [{ old_string: "a", new_string: "b" }] }).success,
    true,
  );
});

Deno.test("file_edit keeps a mode the umask strips at creation, and a private one", async () => {
  const { project, ctx } = await readyProject({
    "shared.txt": "alpha\n",
    "private.txt": "alpha\n",
  });
  await using _ = project;
  await Deno.chmod(project.path("shared.txt"), 0o666);
  await Deno.chmod(project.path("private.txt"), 0o600);
  await edit(ctx, "shared.txt", ["alpha", "beta"]);
  await edit(ctx, "private.txt", ["alpha", "beta"]);
  assert.equal((await Deno.stat(project.path("shared.txt"))).mode! & 0o7777, 0o666);
  assert.equal((await Deno.stat(project.path("private.txt"))).mode! & 0o7777, 0o600);
  assert.equal(await project.read("shared.txt"), "beta\n");
});

Deno.test("file_edit judges freshness right for a file read long before, after many other reads", async () => {
  // Over 4 MB of later reads: the ledger has hashed (not dropped) the first file's bytes.
  const others = Object.fromEntries(
    Array.from({ length: 5 }, (_, i) => [`big${i}.txt`, `${i}`.repeat(1024 * 1024) + "\n"]),
  );
  const { project, ctx } = await readyProject({
    "a.txt": "alpha\n",
    "b.txt": "alpha\n",
    ...others,
  });
  await using _ = project;
  await edit(ctx, "a.txt", ["alpha", "gamma"]);
  assert.equal(await project.read("a.txt"), "gamma\n");
  await project.write("b.txt", "omega\n"); // Same size, other bytes.
  await assert.rejects(
    edit(ctx, "b.txt", ["omega", "gamma"]),
    (err) => isLoomError(err, "STALE_FILE"),
  );
  assert.equal(await project.read("b.txt"), "omega\n");
});

Deno.test("file_edit takes the single-edit shape other agents send ({file_path, old_string, new_string})", async () => {
  const { toEditsShape } = await import("./file_edit.ts");
  assert.deepEqual(
    toEditsShape({ file_path: "a.ts", old_string: "x", new_string: "y", replace_all: true }),
    { path: "a.ts", edits: [{ old_string: "x", new_string: "y", replace_all: true }] },
  );
  assert.deepEqual(toEditsShape({ path: "a.ts", old_string: "x", new_string: "y" }), {
    path: "a.ts",
    edits: [{ old_string: "x", new_string: "y" }],
  });
  const native = { path: "a.ts", edits: [{ old_string: "x", new_string: "y" }] };
  assert.equal(toEditsShape(native), native);
  assert.deepEqual(toEditsShape({ file_path: "a.ts", edits: [] }), { path: "a.ts", edits: [] });
});
