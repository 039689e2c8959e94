import assert from "node:assert/strict";
import { cutText, cutTextEnd } from "./truncate.ts";
import { wellFormed, wellFormedJson, wellFormedValue } from "./well_formed.ts";

/** A JSON escape of a lone surrogate, as strict parsers refuse it (not an escaped backslash). */
const LONE_ESCAPE = /(?<!\\)(?:\\\\)*\\ud[89a-f]/;

Deno.test("wellFormedJson of stringified text equals stringifying the text made well-formed", () => {
  // Lone halves, pairs, backslashes and text that merely looks like an escape, at random.
  const pieces = [
    "\ud83d",
    "\ude00",
    "\ud83d\ude00",
    "\\",
    "\\ud83d",
    "ud800",
    "a",
    '"',
    "\n",
    "é",
  ];
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < 5000; i++) {
    let text = "";
    const n = Math.floor(random() * 8);
    for (let k = 0; k < n; k++) text += pieces[Math.floor(random() * pieces.length)];
    const value = { text, list: [text, { deep: text }] };
    const expected = JSON.stringify({
      text: text.toWellFormed(),
      list: [text.toWellFormed(), { deep: text.toWellFormed() }],
    });
    assert.equal(wellFormedJson(JSON.stringify(value)), expected, JSON.stringify(text));
    assert.equal(JSON.stringify(wellFormedValue(value)), expected);
    assert.equal(wellFormed(text), text.toWellFormed());
    assert.doesNotMatch(expected, LONE_ESCAPE);
  }
  const clean = { a: "fine \ud83d\ude00" };
  assert.equal(wellFormedValue(clean), clean, "the same object when nothing changes");
});

Deno.test("cutText and cutTextEnd never leave half of a surrogate pair", () => {
  const text = "ab\u{1F600}cd\u{1F600}";
  for (let max = 0; max <= text.length + 1; max++) {
    const head = cutText(text, max);
    const tail = cutTextEnd(text, max);
    assert.ok(head.isWellFormed() && text.startsWith(head), `head ${max}`);
    assert.ok(tail.isWellFormed() && text.endsWith(tail), `tail ${max}`);
    assert.ok(head.length >= Math.min(max, text.length) - 1 && head.length <= max, `head ${max}`);
    assert.ok(tail.length >= Math.min(max, text.length) - 1 && tail.length <= max, `tail ${max}`);
  }
  assert.equal(cutText("ab\u{1F600}", 3), "ab");
  assert.equal(cutTextEnd("\u{1F600}ab", 3), "ab");
});
