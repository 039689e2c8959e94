import assert from "node:assert/strict";
import { estimateTokens } from "./tokens.ts";

Deno.test("estimateTokens counts about four ASCII characters per token and rounds up", () => {
  assert.equal(estimateTokens(""), 0);
  assert.equal(estimateTokens("abcd"), 1);
  assert.equal(estimateTokens("abcde"), 2);
  assert.equal(estimateTokens("x".repeat(400)), 100);
});

Deno.test("estimateTokens weighs non-ASCII characters more than ASCII ones", () => {
  assert.ok(estimateTokens("日本語のテキスト") > estimateTokens("abcdefgh"));
});
