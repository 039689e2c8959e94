import assert from "node:assert/strict";
import { type ToolIdRule, wireToolId } from "./tool_ids.ts";

const ANTHROPIC = /^[A-Za-z0-9_-]+$/;
const MISTRAL = /^[A-Za-z0-9]{9}$/;

Deno.test("tool call ids each API accepts are sent as they are", () => {
  const table: [string, ToolIdRule][] = [
    ["toolu_01A09q90qw90lq917835lq9", "anthropic"],
    ["call_0_2", "anthropic"],
    ["call_abcDEF123", "openai"],
    ["functions.file_read:0", "openai"],
    ["x".repeat(40), "openai"],
    ["aB3xK9mP2", "mistral"],
  ];
  for (const [id, rule] of table) assert.equal(wireToolId(id, rule), id, `${id} under ${rule}`);
});

Deno.test("ids another API minted get a stand-in the target accepts, the same every time", () => {
  const ids = [
    "functions.file_read:0", // Kimi K2 through OpenRouter
    "call_0",
    "call_0_2",
    "toolu_01A09q90qw90lq917835lq9",
    "call_PTLP8xhu3uwZk4l3nlnrrJha",
    "38f04d9ea185424a8dc6ed9a88da5",
    "x".repeat(41),
    "id with spaces and \u00e9",
    "",
  ];
  const rules: [ToolIdRule, (id: string) => boolean][] = [
    ["anthropic", (id) => ANTHROPIC.test(id)],
    ["openai", (id) => id !== "" && id.length <= 40],
    ["mistral", (id) => MISTRAL.test(id)],
  ];
  for (const [rule, accepts] of rules) {
    const sent = ids.map((id) => wireToolId(id, rule));
    for (const [i, id] of sent.entries()) {
      assert.ok(accepts(id), `${ids[i]} under ${rule} became ${id}`);
      assert.equal(wireToolId(ids[i], rule), id, "deterministic");
    }
    assert.equal(new Set(sent).size, ids.length, `no two ids share a stand-in under ${rule}`);
  }
});
