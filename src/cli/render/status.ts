// The spinner shown while waiting, and the usage line printed after each answer.
import type { Usage } from "../../core/mod.ts";
import type { StopReason } from "../../agent/mod.ts";

/**
 * Why a run ended short of an answer, as [a word, the rest]; undefined for an answer, an error
 * (reported on its own) or a cancel.
 */
export function stopNote(reason: StopReason): [string, string] | undefined {
  switch (reason) {
    case "step_limit":
      return ["Stopped", "the step limit was reached"];
    case "token_limit":
      return ["Stopped", "the run's token limit was reached"];
    case "length":
      return [
        "Cut off",
        "the reply reached its output limit; ask to go on, or raise [context] " +
        "reserved_output_tokens (reasoning_output_tokens for a model that reasons)",
      ];
    case "refused":
      return ["Refused", "the provider stopped the reply (a refusal or its content filter)"];
    default:
      return undefined;
  }
}

/** Formats a token count compactly: 950, 1.2k, 34k, 1.5M. */
export function formatTokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 10_000) return `${trimZero((n / 1000).toFixed(1))}k`;
  if (n < 1_000_000) return `${Math.round(n / 1000)}k`;
  return `${trimZero((n / 1_000_000).toFixed(1))}M`;
}

function trimZero(s: string): string {
  return s.replace(/\.0$/, "");
}

/** Formats seconds for people: 0.4s, 2.1s, 1m 05s. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
}

/** Formats dollars: four decimals under a dollar, two above. */
export function formatCost(usd: number): string {
  return usd < 1 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

/**
 * The summary after an answer: `1.2k in (900 cached) · 340 out · $0.0123`. "in" counts the whole
 * prompt (uncached + cache reads + cache writes); the cost is left out when unknown.
 */
export function formatUsage(usage: Usage, cost?: number): string {
  const input = usage.input + usage.cacheRead + usage.cacheWrite;
  const cached = usage.cacheRead > 0 ? ` (${formatTokens(usage.cacheRead)} cached)` : "";
  const parts = [`${formatTokens(input)} in${cached}`, `${formatTokens(usage.output)} out`];
  if (cost !== undefined) parts.push(formatCost(cost));
  return parts.join(" · ");
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** A spinner line; `stop` erases it. Every method is a no-op when the stream is not a TTY. */
export interface Spinner {
  start(label: string): void;
  /** Changes the label, keeping the start time. */
  update(label: string): void;
  stop(): void;
  readonly running: boolean;
}

/** What the spinner draws at `elapsedMs` (frame, label, elapsed seconds). Pure, for tests. */
export function spinnerFrame(label: string, elapsedMs: number, tick: number): string {
  return `${FRAMES[tick % FRAMES.length]} ${label} ${formatDuration(elapsedMs)}`;
}

/** Creates a spinner writing to `write` (stderr) every `intervalMs`, timed with `now`. */
export function createSpinner(options: {
  write: (text: string) => void;
  isTty: boolean;
  now?: () => number;
  intervalMs?: number;
}): Spinner {
  const { write, isTty } = options;
  const now = options.now ?? (() => performance.now());
  let timer: ReturnType<typeof setInterval> | undefined;
  let label = "";
  let started = 0;
  let tick = 0;
  const draw = () => write(`\r\x1b[2K${spinnerFrame(label, now() - started, tick++)}`);
  return {
    get running() {
      return timer !== undefined;
    },
    start(text) {
      if (!isTty) return;
      if (timer !== undefined) clearInterval(timer);
      label = text;
      started = now();
      tick = 0;
      draw();
      timer = setInterval(draw, options.intervalMs ?? 80);
    },
    update(text) {
      label = text;
      if (timer !== undefined) draw();
    },
    stop() {
      if (timer === undefined) return;
      clearInterval(timer);
      timer = undefined;
      write("\r\x1b[2K");
    },
  };
}
