import assert from "node:assert/strict";
import type { AgentEvent } from "../../agent/mod.ts";
import { createStyle, stripAnsi, type TerminalInfo } from "./ansi.ts";
import type { Spinner } from "./status.ts";
import { createTurnView } from "./turn_view.ts";

const spinner: Spinner = { start() {}, update() {}, stop() {}, running: false };

/** Renders two file_read calls in a view whose numbering starts at `first`. */
function render(first: number | undefined): { out: string; calls: number } {
  let out = "";
  const terminal: TerminalInfo = { isTty: false, color: false, columns: 100 };
  const view = createTurnView({
    write: (t) => out += t,
    terminal,
    style: createStyle(false),
    spinner,
    now: () => 0,
    ...(first === undefined ? {} : { firstCallNumber: first }),
  });
  const events: AgentEvent[] = ["a.txt", "b.txt"].flatMap((path, i): AgentEvent[] => [
    { type: "tool-start", id: `${i}`, name: "file_read", input: { path } },
    {
      type: "tool-end",
      id: `${i}`,
      name: "file_read",
      outcome: { text: "…", structured: { totalLines: 1, startLine: 1, endLine: 1 } },
      durationMs: 1,
    },
  ]);
  for (const event of events) view.handle(event);
  view.pause();
  return { out: stripAnsi(out), calls: view.calls.length };
}

Deno.test("tool lines carry the session-wide numbers /expand takes", () => {
  const later = render(4);
  assert.match(later.out, /file_read a\.txt .*\[4\]/);
  assert.match(later.out, /file_read b\.txt .*\[5\]/);
  assert.equal(later.calls, 2);
  const first = render(undefined);
  assert.match(first.out, /file_read a\.txt .*\[1\]/);
  assert.match(first.out, /file_read b\.txt .*\[2\]/);
});
