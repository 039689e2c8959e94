import assert from "node:assert/strict";
import { isLoomError } from "../core/mod.ts";
import {
  checkBody,
  checkConfidence,
  checkTitle,
  edgeProblem,
  MAX_BODY_CHARS,
  parseEdgeType,
  parseNodeType,
  parseStatus,
} from "./model.ts";
import type { EdgeType, NodeType } from "./types.ts";

const CASES: [EdgeType, NodeType, NodeType, boolean][] = [
  ["leads_to", "goal", "decision", true],
  ["leads_to", "outcome", "goal", true],
  ["chosen", "decision", "option", true],
  ["chosen", "revisit", "option", true],
  ["chosen", "outcome", "goal", false],
  ["chosen", "goal", "option", false],
  ["rejected", "decision", "action", true],
  ["rejected", "decision", "goal", false],
  ["requires", "action", "decision", true],
  ["requires", "observation", "action", false],
  ["blocks", "observation", "action", true],
  ["blocks", "goal", "action", false],
  ["enables", "outcome", "goal", true],
  ["supersedes", "option", "option", true],
  ["supersedes", "option", "revisit", true],
  ["supersedes", "outcome", "option", false],
];

for (const [type, from, to, ok] of CASES) {
  Deno.test(`a ${type} edge from ${from} to ${to} is ${ok ? "allowed" : "refused"}`, () => {
    const problem = edgeProblem(type, from, to);
    if (ok) assert.equal(problem, null);
    else {assert.match(
        problem ?? "",
        new RegExp(`a ${type} edge goes from .* not from ${from} to ${to}`),
      );}
  });
}

Deno.test("an outcome chosen a goal is refused with what a chosen edge joins", () => {
  assert.equal(
    edgeProblem("chosen", "outcome", "goal"),
    "a chosen edge goes from a decision or a revisit to an option or an action, not from outcome to goal",
  );
});

Deno.test("unknown node types, statuses and edge types are refused with the allowed values", () => {
  assert.throws(
    () => parseNodeType("idea"),
    (e) => isLoomError(e, "INVALID_INPUT") && /goal, decision/.test(e.message),
  );
  assert.throws(() => parseStatus("done"), /pending, active, completed/);
  assert.throws(() => parseEdgeType("causes"), /leads_to, chosen/);
  assert.equal(parseNodeType("revisit"), "revisit");
});

Deno.test("confidence must be a whole number from 0 to 100", () => {
  for (const bad of [-1, 101, 50.5, NaN]) {
    assert.throws(() => checkConfidence(bad), (e) => isLoomError(e, "INVALID_INPUT"));
  }
  assert.equal(checkConfidence(0), 0);
  assert.equal(checkConfidence(100), 100);
  assert.equal(checkConfidence(undefined), null);
});

Deno.test("titles are trimmed; empty and overlong titles are refused", () => {
  assert.equal(checkTitle("  Use   SQLite \n"), "Use SQLite");
  assert.throws(() => checkTitle("   "), /the title is empty/);
  assert.throws(() => checkTitle("x".repeat(301)), /over the 300 limit/);
});

Deno.test("a body over the cap is refused with its size and the limit", () => {
  assert.equal(checkBody("x".repeat(MAX_BODY_CHARS)).length, MAX_BODY_CHARS);
  assert.throws(
    () => checkBody("x".repeat(MAX_BODY_CHARS + 1), "Big"),
    (e) => isLoomError(e, "TOO_LARGE") && e.message.includes(`${MAX_BODY_CHARS + 1} characters`),
  );
});
