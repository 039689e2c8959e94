import assert from "node:assert/strict";
import { ThinkTags } from "./think_tags.ts";

/** What is shown and what is reasoning when `pieces` stream in. */
function split(pieces: string[]): [string, string] {
  const tags = new ThinkTags();
  let shown = "";
  for (const piece of pieces) shown += tags.push(piece);
  shown += tags.end();
  return [shown, tags.reasoning];
}

Deno.test("a leading think block is reasoning, and the answer after it is the text", () => {
  assert.deepEqual(split(["<think>Read it first.</think>\n\nHello."]), [
    "Hello.",
    "Read it first.",
  ]);
  assert.deepEqual(split(["\n<think>x</think>Hi"]), ["Hi", "x"]);
  // Tags split anywhere across pieces, and the white space after the block in a piece of its own.
  assert.deepEqual(split(["<th", "ink>ab", "c</thi", "nk>", "\n\n", "Hel", "lo"]), [
    "Hello",
    "abc",
  ]);
  assert.deepEqual(split(["<think>a<", "/", "think", ">b"]), ["b", "a"]);
  // A "<" inside the reasoning that starts no tag.
  assert.deepEqual(split(["<think>1 < 2 and </ b", "</think>ok"]), ["ok", "1 < 2 and </ b"]);
});

Deno.test("text that does not open with a think block is shown as it is, held back only while it could", () => {
  const tags = new ThinkTags();
  assert.equal(tags.push("<"), "");
  assert.equal(tags.push("b>bold</b>"), "<b>bold</b>");
  assert.equal(tags.push(" <think>later</think>"), " <think>later</think>");
  assert.equal(tags.reasoning, "");
  assert.deepEqual(split(["Hi <think>x</think>"]), ["Hi <think>x</think>", ""]);
  assert.deepEqual(split(["<thi"]), ["<thi", ""]);
  assert.deepEqual(split(["  "]), ["  ", ""]);
  assert.deepEqual(split([]), ["", ""]);
});

Deno.test("a think block never closed (a reply cut at its limit) is all reasoning", () => {
  assert.deepEqual(split(["<think>step one", ", step two</th"]), ["", "step one, step two</th"]);
});
