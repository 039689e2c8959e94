import assert from "node:assert/strict";
import { parseSummary } from "./compaction.ts";
import { buildPrompt } from "../cli/oneshot.ts";

Deno.test("a summary's facts are read line by line, whatever blank space surrounds them", () => {
  const answer =
    "Summary:\n  The user wants short notes.\n\n  Facts: \r\n- goal: keep notes short \n" +
    "* Decisions : put todos in todo.md\n- rejected: deleting notes, the user wants history\n" +
    "not a fact\n";
  assert.deepEqual(parseSummary(answer), {
    text: "The user wants short notes.",
    facts: [
      { kind: "goal", text: "keep notes short" },
      { kind: "decision", text: "put todos in todo.md" },
      { kind: "rejected", text: "deleting notes, the user wants history" },
    ],
  });
  // Patterns with \s* at both ends of a line retried from every position of a run like this one,
  // a time that grew with the square of the run (hours for a megabyte).
  const blank = " \n".repeat(500_000);
  assert.deepEqual(parseSummary(`Summary: x${blank}Facts:${blank}- goal: y${blank}`).facts, [
    { kind: "goal", text: "y" },
  ]);
  assert.equal(buildPrompt("review", `diff${" ".repeat(1_000_000)}x\n\n`).length, 1_000_030);
});
