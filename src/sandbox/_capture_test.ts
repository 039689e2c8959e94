import assert from "node:assert/strict";
import { OutputCapture } from "./_capture.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("output under the cap is kept whole across chunks", () => {
  const capture = new OutputCapture(10);
  capture.push(bytes("abc"));
  capture.push(bytes("defg"));
  assert.deepEqual(capture.result(), { text: "abcdefg", dropped: 0 });
});

Deno.test("output over the cap keeps its head and tail and states the dropped count", () => {
  const capture = new OutputCapture(6);
  for (const chunk of ["abcd", "efgh", "ijkl", "mn"]) capture.push(bytes(chunk));
  assert.deepEqual(capture.result(), { text: "abc\n[... 8 bytes dropped ...]\nlmn", dropped: 8 });
  assert.equal(capture.total, 14);
});

Deno.test("one chunk larger than the whole cap keeps its own head and tail", () => {
  const capture = new OutputCapture(4);
  capture.push(bytes("0123456789"));
  assert.deepEqual(capture.result(), { text: "01\n[... 6 bytes dropped ...]\n89", dropped: 6 });
});

Deno.test("the capture copies chunks, so a reused read buffer does not change kept output", () => {
  const capture = new OutputCapture(4);
  const buffer = bytes("abcdef");
  capture.push(buffer);
  buffer.fill(0x7a);
  assert.equal(capture.result().text, "ab\n[... 2 bytes dropped ...]\nef");
});
