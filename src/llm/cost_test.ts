import assert from "node:assert/strict";
import { addUsage, costOf, countTokens, lookupModel } from "./mod.ts";

Deno.test("costOf prices each kind of token at the catalog's rate per million", () => {
  const info = lookupModel("anthropic:claude-sonnet-4-6");
  const usage = { input: 1_000_000, output: 100_000, cacheRead: 2_000_000, cacheWrite: 400_000 };
  assert.equal(costOf(usage, info), 3 + 1.5 + 0.6 + 1.5);
  assert.deepEqual(addUsage(usage, usage), {
    input: 2e6,
    output: 2e5,
    cacheRead: 4e6,
    cacheWrite: 8e5,
  });
});

Deno.test("countTokens uses a real tokenizer rather than characters divided by four", () => {
  assert.equal(countTokens(""), 0);
  assert.equal(countTokens("hello world"), 2);
  assert.ok(countTokens("<|endoftext|>") > 1);
  const code = "export function add(a: number, b: number): number {\n  return a + b;\n}\n";
  assert.notEqual(countTokens(code), Math.ceil(code.length / 4));
});
