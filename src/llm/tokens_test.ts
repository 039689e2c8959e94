import assert from "node:assert/strict";
import { countTokens as exact } from "gpt-tokenizer/encoding/o200k_base";
import { countByRuns, countTokens, MAX_RUN } from "./tokens.ts";

const plain = (text: string) => exact(text, { disallowedSpecial: new Set() });

Deno.test("text without long runs is counted whole, exactly", () => {
  const source = Deno.readTextFileSync(new URL("./tokens.ts", import.meta.url));
  const pieces: string[] = [];
  assert.equal(countByRuns(source, (p) => (pieces.push(p), plain(p))), plain(source));
  assert.deepEqual(pieces, [source]);
  assert.equal(countTokens("hello world"), 2);
});

Deno.test("long runs reach the tokenizer in pieces, so its cost stays linear", () => {
  // BPE's cost grows with the square of a piece: a megabyte of letters took minutes whole.
  const surrogates = "😀".repeat(400);
  const text = `head ${"a".repeat(1_000_000)} middle ${"+/=".repeat(5000)}\n${
    " ".repeat(2000)
  }${surrogates} tail`;
  const pieces: string[] = [];
  const total = countByRuns(text, (p) => (pieces.push(p), plain(p)));
  assert.equal(pieces.join(""), text, "every character is counted once, in order");
  for (const piece of pieces) {
    for (const run of piece.match(/\S+|\s+/g) ?? []) assert.ok(run.length <= MAX_RUN, run);
    // No piece starts or ends inside a surrogate pair.
    assert.ok(!/^[\udc00-\udfff]|[\ud800-\udbff]$/.test(piece));
  }
  assert.equal(total, countTokens(text));
  // 1,000,000 letters: 125,000 tokens whole, and the same in pieces of 512.
  assert.equal(countTokens("a".repeat(1_000_000)), 125_000);
});

Deno.test("counts of long runs stay within a fraction of a percent of the exact count", () => {
  const bytes = new Uint8Array(6000).map((_, i) => (i * 7919 + 13) % 256);
  const samples = [
    btoa(String.fromCharCode(...bytes)),
    Deno.readTextFileSync(new URL("./retry.ts", import.meta.url)).replace(/\s+/g, ""),
    "x".repeat(3000),
  ];
  for (const text of samples) {
    const ratio = countTokens(text) / plain(text);
    assert.ok(ratio >= 0.99 && ratio <= 1.01, `${text.slice(0, 20)}…: ${ratio}`);
  }
});
