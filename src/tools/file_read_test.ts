import assert from "node:assert/strict";
import { isLoomError } from "../core/mod.ts";
import { stampOf } from "../workspace/mod.ts";
import { createTempProject } from "../../tests/_lib/project.ts";
import { createTestContext } from "../../tests/_lib/context.ts";
import { fileRead } from "./file_read.ts";

function numbered(count: number, from = 1): string {
  return Array.from({ length: count }, (_, i) => `line ${from + i}`).join("\n") + "\n";
}

Deno.test("file_read numbers lines like cat -n and states the total line count", async () => {
  await using project = await createTempProject({ "src/app.ts": "const a = 1;\n\tindented\n" });
  const ctx = await createTestContext(project.root);
  const result = await fileRead.run({ path: "src/app.ts" }, ctx);
  assert.equal(result.text, "src/app.ts: 2 lines\n     1\tconst a = 1;\n     2\t\tindented");
  assert.equal(result.structured?.totalLines, 2);
});

Deno.test("file_read returns the window given by offset and limit and says how to read on", async () => {
  await using project = await createTempProject({ "a.txt": numbered(10) });
  const ctx = await createTestContext(project.root);
  const result = await fileRead.run({ path: "a.txt", offset: 3, limit: 2 }, ctx);
  assert.equal(
    result.text,
    "a.txt: lines 3-4 of 10\n     3\tline 3\n     4\tline 4\n" +
      "... 6 more lines; call file_read with offset=5 to continue",
  );
  assert.equal(result.structured?.nextOffset, 5);
});

Deno.test("file_read stops at 2,000 lines by default and points at offset=2001", async () => {
  await using project = await createTempProject({ "big.txt": numbered(3234) });
  const ctx = await createTestContext(project.root);
  const result = await fileRead.run({ path: "big.txt" }, ctx);
  const lines = result.text.split("\n");
  assert.equal(lines[0], "big.txt: lines 1-2000 of 3,234");
  assert.equal(lines[2000], "  2000\tline 2000");
  assert.equal(lines.at(-1), "... 1,234 more lines; call file_read with offset=2001 to continue");
});

Deno.test("file_read caps its output at 256 KB and continues from the first line left out", async () => {
  const line = "x".repeat(1000);
  await using project = await createTempProject({ "wide.txt": `${line}\n`.repeat(400) });
  const ctx = await createTestContext(project.root);
  const result = await fileRead.run({ path: "wide.txt" }, ctx);
  assert.ok(new TextEncoder().encode(result.text).length < 256 * 1024 + 200);
  const end = result.structured?.endLine as number;
  assert.ok(end > 200 && end < 400, `ended at ${end}`);
  assert.match(result.text, new RegExp(`offset=${end + 1} to continue$`));
  assert.match(result.text, /output capped at 256 KB/);
});

Deno.test("file_read cuts a very long line and marks the cut", async () => {
  await using project = await createTempProject({ "min.js": "a".repeat(5000) + "\nnext\n" });
  const ctx = await createTestContext(project.root);
  const result = await fileRead.run({ path: "min.js" }, ctx);
  const [, first, second] = result.text.split("\n");
  assert.equal(first, `     1\t${"a".repeat(2000)}… [line cut at 2,000 of 5,000 chars]`);
  assert.equal(second, "     2\tnext");
});

Deno.test("file_read refuses a PNG with its type and size", async () => {
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 1, 2]);
  await using project = await createTempProject({ "logo.png": png });
  const ctx = await createTestContext(project.root);
  await assert.rejects(
    fileRead.run({ path: "logo.png" }, ctx),
    (err) => isLoomError(err, "BINARY_FILE") && /png, 14 bytes/.test(err.message),
  );
  assert.equal(ctx.ledger.get(project.path("logo.png")), undefined);
});

Deno.test("file_read refuses a file with a NUL byte as binary even without a known signature", async () => {
  await using project = await createTempProject({ "data.bin": "abc\0def" });
  const ctx = await createTestContext(project.root);
  await assert.rejects(
    fileRead.run({ path: "data.bin" }, ctx),
    (err) => isLoomError(err, "BINARY_FILE") && /unknown binary/.test(err.message),
  );
});

Deno.test("file_read shows Latin-1 text with replacement characters and says it is not UTF-8", async () => {
  await using project = await createTempProject({
    "old.txt": new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0a]),
  });
  const ctx = await createTestContext(project.root);
  const result = await fileRead.run({ path: "old.txt" }, ctx);
  assert.match(result.text, /not valid UTF-8/);
  assert.ok(result.text.endsWith("     1\tcaf\uFFFD"), result.text);
});

Deno.test("file_read suggests the closest name for a missing file", async () => {
  await using project = await createTempProject({ "src/app.ts": "x\n", "src/util.ts": "y\n" });
  const ctx = await createTestContext(project.root);
  await assert.rejects(
    fileRead.run({ path: "src/ap.ts" }, ctx),
    (err) =>
      isLoomError(err, "NOT_FOUND") &&
      err.message === 'Cannot read "src/ap.ts": no such file. Did you mean "src/app.ts"?',
  );
});

Deno.test("file_read suggests a path in a similarly named directory when the directory is wrong", async () => {
  await using project = await createTempProject({ "src/app.ts": "x\n" });
  const ctx = await createTestContext(project.root);
  await assert.rejects(
    fileRead.run({ path: "scr/app.ts" }, ctx),
    (err) => isLoomError(err, "NOT_FOUND") && err.message.endsWith('Did you mean "src/app.ts"?'),
  );
});

Deno.test("file_read gives no suggestion when nothing is close", async () => {
  await using project = await createTempProject({ "src/app.ts": "x\n" });
  const ctx = await createTestContext(project.root);
  await assert.rejects(
    fileRead.run({ path: "src/zzzzzzzz.md" }, ctx),
    (err) => isLoomError(err, "NOT_FOUND") && !err.message.includes("Did you mean"),
  );
});

Deno.test("file_read on a directory points to directory_list", async () => {
  await using project = await createTempProject({ "src/app.ts": "x\n" });
  const ctx = await createTestContext(project.root);
  await assert.rejects(
    fileRead.run({ path: "src" }, ctx),
    (err) => isLoomError(err, "INVALID_INPUT") && /directory_list/.test(err.message),
  );
});

Deno.test("file_read records the whole file in the ledger even for a partial read", async () => {
  const content = numbered(50);
  await using project = await createTempProject({ "a.txt": content });
  const ctx = await createTestContext(project.root);
  await fileRead.run({ path: "a.txt", offset: 10, limit: 1 }, ctx);
  const entry = ctx.ledger.get(project.path("a.txt"));
  const whole = await stampOf(new TextEncoder().encode(content));
  assert.equal(entry?.hash, whole.hash);
  assert.equal(entry?.source, "read");
});

Deno.test("file_read shows CRLF lines without the carriage return", async () => {
  await using project = await createTempProject({ "win.txt": "one\r\ntwo\r\n" });
  const ctx = await createTestContext(project.root);
  const result = await fileRead.run({ path: "win.txt" }, ctx);
  assert.equal(result.text, "win.txt: 2 lines\n     1\tone\n     2\ttwo");
});

Deno.test("file_read rejects an offset past the end and says how long the file is", async () => {
  await using project = await createTempProject({ "a.txt": numbered(3) });
  const ctx = await createTestContext(project.root);
  await assert.rejects(
    fileRead.run({ path: "a.txt", offset: 9 }, ctx),
    (err) => isLoomError(err, "INVALID_INPUT") && /only 3 lines/.test(err.message),
  );
});

Deno.test("file_read says a file is empty", async () => {
  await using project = await createTempProject({ "empty.txt": "" });
  const ctx = await createTestContext(project.root);
  const result = await fileRead.run({ path: "empty.txt" }, ctx);
  assert.equal(result.text, "empty.txt: empty file (0 lines, 0 bytes)");
});

Deno.test("file_read refuses a file over 50 MB", async () => {
  await using project = await createTempProject({ "huge.log": "" });
  await Deno.truncate(project.path("huge.log"), 51 * 1024 * 1024);
  const ctx = await createTestContext(project.root);
  await assert.rejects(
    fileRead.run({ path: "huge.log" }, ctx),
    (err) => isLoomError(err, "TOO_LARGE"),
  );
});

Deno.test("file_read stops with CANCELLED when the call is already aborted", async () => {
  await using project = await createTempProject({ "a.txt": "x\n" });
  const controller = new AbortController();
  controller.abort();
  const ctx = await createTestContext(project.root, { signal: controller.signal });
  await assert.rejects(
    fileRead.run({ path: "a.txt" }, ctx),
    (err) => isLoomError(err, "CANCELLED"),
  );
  assert.equal(ctx.ledger.get(project.path("a.txt")), undefined);
});

Deno.test("file_read asks for read permission on the project-relative path", async () => {
  await using project = await createTempProject({ "src/app.ts": "x\n" });
  const ctx = await createTestContext(project.root);
  assert.deepEqual(await fileRead.permission({ path: project.path("src/app.ts") }, ctx), {
    kind: "read",
    tool: "file_read",
    paths: ["src/app.ts"],
  });
  await assert.rejects(
    Promise.resolve().then(() => fileRead.permission({ path: "../x" }, ctx)),
    (err) => isLoomError(err, "OUTSIDE_PROJECT"),
  );
});

Deno.test("file_read reads through a symlink that stays inside the project", async () => {
  await using project = await createTempProject({ "real.txt": "hello\n" });
  await Deno.symlink("real.txt", project.path("alias.txt"));
  const ctx = await createTestContext(project.root);
  const result = await fileRead.run({ path: "alias.txt" }, ctx);
  assert.equal(result.text, "real.txt: 1 line\n     1\thello");
});

Deno.test("file_read takes a real U+FFFD for valid UTF-8 and counts multi-byte characters as bytes", async () => {
  const wide = "é".repeat(1000); // 2,000 bytes a line: 200 lines pass the 256 KB cap.
  await using project = await createTempProject({
    "mark.txt": "a \uFFFD b\n",
    "wide.txt": `${wide}\n`.repeat(200),
  });
  const ctx = await createTestContext(project.root);
  const mark = await fileRead.run({ path: "mark.txt" }, ctx);
  assert.equal(mark.text, "mark.txt: 1 line\n     1\ta \uFFFD b");
  const wideRead = await fileRead.run({ path: "wide.txt" }, ctx);
  assert.equal(wideRead.structured?.truncated, true);
  assert.equal(wideRead.structured?.endLine, 130);
  assert.ok(new TextEncoder().encode(wideRead.text).length < 260 * 1024);
});
