import assert from "node:assert/strict";
import type { LanguageModel, Message } from "../core/mod.ts";
import { parseSummary, renderTranscript, transcriptRoom } from "./compaction.ts";
import { cleanTitle, fallbackTitle } from "./titles.ts";
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

Deno.test("a second compaction keeps the first one's summary whole and first", () => {
  const earlier =
    `[Loom compacted the 40 earliest messages of this session into this summary.]\n\n` +
    `The user is porting the parser to Rust. ${"Detail. ".repeat(500)}`;
  const turns: Message[] = [{ role: "user", content: earlier }];
  for (let i = 0; i < 200; i++) {
    turns.push({ role: "user", content: `question ${i} ${"x".repeat(400)}` });
    turns.push({ role: "assistant", content: `answer ${i}` });
  }
  const text = renderTranscript(turns, 20_000);
  assert.ok(text.length <= 20_000 + 100, `${text.length}`);
  // The earlier summary comes first and whole (4,000 characters here), then the latest turns.
  assert.ok(text.startsWith(`EARLIER SUMMARY: ${earlier}\n`));
  assert.match(text, /\[\.\.\. earliest turns omitted \.\.\.\]/);
  assert.match(text, /answer 199$/);
  assert.doesNotMatch(text, /question 0 /);
});

Deno.test("the transcript fits the summarising model's window", () => {
  const model = (contextWindow: number) => ({ info: { contextWindow } }) as LanguageModel;
  assert.equal(transcriptRoom(model(200_000)), 60_000);
  // An 8K local model: its window less the answer and the instructions, three characters a token.
  assert.equal(transcriptRoom(model(8_192)), (8_192 - 2_048 - 1_000) * 3);
  assert.equal(transcriptRoom(model(2_048)), 4_000);
});

Deno.test("a title is cleaned from its first 320 characters, whatever the first line holds", () => {
  assert.equal(cleanTitle('"Fixing the parser."\nmore'), "Fixing the parser");
  // A pasted prompt with a long run of dots inside its first line: the trailing pattern retried
  // from each dot (hours for a megabyte of them).
  const title = fallbackTitle(`Why does this ${".".repeat(1_000_000)} hang?`);
  assert.equal(title, "Why does this");
});
