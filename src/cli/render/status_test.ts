import { deepEqual, equal, ok } from "node:assert/strict";
import {
  createSpinner,
  formatDuration,
  formatTokens,
  formatUsage,
  spinnerFrame,
} from "./status.ts";

Deno.test("token counts, durations and usage lines read compactly", () => {
  const tokens: [number, string][] = [[0, "0"], [950, "950"], [1200, "1.2k"], [1000, "1k"], [
    34_567,
    "35k",
  ], [1_500_000, "1.5M"]];
  for (const [n, want] of tokens) equal(formatTokens(n), want);
  equal(formatDuration(2100), "2.1s");
  equal(formatDuration(65_000), "1m 05s");
  equal(
    formatUsage({ input: 300, cacheRead: 900, cacheWrite: 0, output: 340 }, 0.0123),
    "1.2k in (900 cached) · 340 out · $0.0123",
  );
  equal(formatUsage({ input: 10, cacheRead: 0, cacheWrite: 0, output: 2 }), "10 in · 2 out");
  equal(
    formatUsage({ input: 1, cacheRead: 0, cacheWrite: 0, output: 1 }, 12.5),
    "1 in · 1 out · $12.50",
  );
});

Deno.test("the spinner draws its label and elapsed time, then erases its line", () => {
  const writes: string[] = [];
  let now = 1000;
  const spinner = createSpinner({ write: (t) => writes.push(t), isTty: true, now: () => now });
  spinner.start("Thinking");
  ok(spinner.running);
  now = 3100;
  spinner.update("Running shell");
  spinner.stop();
  equal(spinner.running, false);
  deepEqual(writes, [
    `\r\x1b[2K${spinnerFrame("Thinking", 0, 0)}`,
    `\r\x1b[2K${spinnerFrame("Running shell", 2100, 1)}`,
    "\r\x1b[2K",
  ]);
  ok(writes[1].includes("Running shell 2.1s"));
  spinner.stop();
  equal(writes.length, 3, "a second stop writes nothing");
});

Deno.test("the spinner writes nothing when stderr is not a terminal", () => {
  const writes: string[] = [];
  const spinner = createSpinner({ write: (t) => writes.push(t), isTty: false });
  spinner.start("Thinking");
  spinner.update("x");
  spinner.stop();
  deepEqual(writes, []);
  equal(spinner.running, false);
});
