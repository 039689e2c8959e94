import { equal } from "node:assert/strict";
import { createStyle, stripAnsi } from "./ansi.ts";
import { errorReason, summarizeToolCall, type ToolCallView } from "./tool_summary.ts";

const plain = createStyle(false);

Deno.test("tool calls summarise to one line naming the subject and the outcome", () => {
  const table: [ToolCallView, string][] = [
    [
      {
        name: "file_read",
        input: { path: "src/app.ts" },
        result: { text: "…", structured: { totalLines: 120, startLine: 1, endLine: 120 } },
      },
      "● file_read src/app.ts (120 lines)",
    ],
    [
      {
        name: "file_read",
        input: { path: "big.ts", offset: 10 },
        result: {
          text: "…",
          structured: { totalLines: 900, startLine: 10, endLine: 400, truncated: true },
        },
      },
      "● file_read big.ts (lines 10-400 of 900)",
    ],
    [
      {
        name: "shell",
        input: { command: "npm test\necho done" },
        result: { text: "ok", structured: { exitCode: 0, durationMs: 2100, timedOut: false } },
      },
      "● shell npm test → exit 0 (2.1s)",
    ],
    [
      {
        name: "shell",
        input: { command: "sleep 99" },
        result: { text: "", structured: { exitCode: null, durationMs: 30000, timedOut: true } },
      },
      "● shell sleep 99 → timed out (30.0s)",
    ],
    [
      {
        name: "file_edit",
        input: { path: "src/x.ts" },
        result: { text: "Edited", structured: { changed: true, added: 3, removed: 1 } },
      },
      "● file_edit src/x.ts (+3 −1)",
    ],
    [
      {
        name: "file_write",
        input: { path: "new.md" },
        result: { text: "Created", structured: { created: true, lines: 1 } },
      },
      "● file_write new.md (created, 1 line)",
    ],
    [
      {
        name: "content_search",
        input: { pattern: "TODO" },
        result: { text: "…", structured: { matches: 5, files: 1 } },
      },
      '● content_search "TODO" (5 matches in 1 file)',
    ],
    [
      {
        name: "file_edit",
        input: { path: "src/x.ts" },
        result: {
          isError: true,
          text:
            'Cannot edit "src/x.ts": old_string matches 3 times; add context or set replace_all',
        },
      },
      "✗ file_edit src/x.ts: old_string matches 3 times",
    ],
    [{ name: "git", input: { operation: "log", ref: "main" } }, "○ git log main"],
    [
      { name: "decision_query", input: { query: "auth" }, result: { text: "x" }, durationMs: 400 },
      "● decision_query auth (0.4s)",
    ],
  ];
  for (const [call, want] of table) equal(summarizeToolCall(call, plain).line, want);
});

Deno.test("a summary keeps the full result text and fits the width", () => {
  const call: ToolCallView = {
    name: "shell",
    input: { command: `echo ${"x".repeat(200)}` },
    result: { text: "all the output", structured: { exitCode: 0, durationMs: 5 } },
  };
  const summary = summarizeToolCall(call, createStyle(true), 40);
  equal(summary.detail, "all the output");
  equal([...stripAnsi(summary.line)].length, 40);
  equal(stripAnsi(summary.line).endsWith("… → exit 0 (0.0s)"), true, summary.line);
});

Deno.test("error reasons drop the Cannot prefix and the advice after the semicolon", () => {
  equal(errorReason('Cannot read "a": no such file; check the path'), "no such file");
  equal(errorReason("boom\nstack"), "boom");
});
