// Runs the tool calls of one step: read-only calls side by side, mutating ones one at a time.
import { cutText } from "../core/mod.ts";
import type { ToolResultPart, ToolUsePart } from "../core/mod.ts";
import { runTool } from "../tools/run.ts";
import type { ToolHost, ToolOutcome } from "../tools/run.ts";
import type { AgentEvent, WaitKind } from "./events.ts";

/** One call of a step, with its arguments text when they did not parse. */
export interface PendingCall extends ToolUsePart {
  /** Set when the model's arguments were not a JSON object. */
  badArgs?: string;
}

/** What the executor needs from the loop. */
export interface ExecOptions {
  host: ToolHost;
  /** Names the model may call in this loop (others are refused). */
  allowed: ReadonlySet<string>;
  signal: AbortSignal;
  emit: (event: AgentEvent) => void;
  onStart?: (call: PendingCall) => void;
  onEnd?: (call: PendingCall, outcome: ToolOutcome, durationMs: number) => void;
  /**
   * Set when the reply ended at its output limit (`limit` tokens, when known): arguments that do
   * not parse were cut off there, and the model is told so.
   */
  cutOff?: { limit?: number };
  /** Shrinks a result that would not fit the context window. */
  fit?: (call: PendingCall, text: string) => string;
  /**
   * Called whenever the executor is about to wait on the outside world: before a batch of calls
   * runs, and when one call of a batch ends while others still run (the agent commits here).
   */
  checkpoint?: (wait: WaitKind) => void;
  now?: () => number;
}

/**
 * Read-only calls of one step that run at once, at most; the others wait for a free slot. A model
 * (or text it was fed) may ask for hundreds of calls in one step: run all at once, they would
 * exhaust file handles, or start that many sub-agents, each a Worker making model calls.
 */
export const MAX_CONCURRENT_CALLS = 8;

/**
 * Runs `calls` and returns one result per call, in call order. Consecutive read-only calls run
 * concurrently, up to MAX_CONCURRENT_CALLS at a time; a mutating call waits for everything
 * before it and runs alone.
 */
export async function executeCalls(
  calls: PendingCall[],
  options: ExecOptions,
): Promise<ToolResultPart[]> {
  const results: ToolResultPart[] = new Array(calls.length);
  // Most tools say whether they only read; only the others need their permission request.
  const readOnly = calls.some((call) => !readOnlyByTool(call, options.host))
    ? await Promise.all(calls.map((call) => isReadOnlyCall(call, options.host)))
    : calls.map(() => true);
  const batch: number[] = [];
  const now = options.now ?? (() => performance.now());
  const run = async (indices: number[]) => {
    const width = Math.min(indices.length, MAX_CONCURRENT_CALLS);
    let queued = width;
    let running = width;
    // Each lane runs a call, then the next one waiting, until none is left.
    const lane = async (i: number): Promise<void> => {
      for (;;) {
        // A tool's time starts once the call is on record: the commit point is Loom's work.
        const started = now();
        results[i] = await finish(calls[i], started, options, now);
        running--;
        const next = queued < indices.length ? indices[queued++] : undefined;
        if (next !== undefined) {
          start(calls[next], options);
          running++;
        }
        // Before waiting on the calls still running: what ended (and what starts) on record.
        if (running > 0) options.checkpoint?.("tools");
        if (next === undefined) return;
        i = next;
      }
    };
    for (let k = 0; k < width; k++) start(calls[indices[k]], options);
    options.checkpoint?.("tools");
    await Promise.all(indices.slice(0, width).map(lane));
  };
  for (let i = 0; i < calls.length; i++) {
    if (readOnly[i]) {
      batch.push(i);
      continue;
    }
    if (batch.length > 0) await run(batch.splice(0));
    await run([i]);
  }
  if (batch.length > 0) await run(batch);
  return results;
}

function readOnlyByTool(call: PendingCall, host: ToolHost): boolean {
  return call.badArgs === undefined && host.tools.get(call.name)?.annotations.readOnlyHint === true;
}

/**
 * True when a call only reads: its tool says so, or (for tools such as git that do both) the
 * permission request of this very call says it does not mutate.
 */
export async function isReadOnlyCall(call: PendingCall, host: ToolHost): Promise<boolean> {
  if (readOnlyByTool(call, host)) return true;
  const tool = host.tools.get(call.name);
  if (!tool || call.badArgs !== undefined) return false;
  const parsed = tool.input.safeParse(call.input);
  if (!parsed.success) return false;
  try {
    const request = await tool.permission(parsed.data, host.context);
    return request.kind === "git" && request.mutating === false;
  } catch {
    return false;
  }
}

function start(call: PendingCall, options: ExecOptions): void {
  options.emit({ type: "tool-start", id: call.id, name: call.name, input: call.input });
  options.onStart?.(call);
}

async function finish(
  call: PendingCall,
  started: number,
  options: ExecOptions,
  now: () => number,
): Promise<ToolResultPart> {
  const outcome = await outcomeOf(call, options);
  const durationMs = now() - started;
  options.onEnd?.(call, outcome, durationMs);
  options.emit({ type: "tool-end", id: call.id, name: call.name, outcome, durationMs });
  const text = outcome.isError ? outcome.text : options.fit?.(call, outcome.text) ?? outcome.text;
  return {
    type: "tool_result",
    toolUseId: call.id,
    content: text,
    ...(outcome.isError ? { isError: true } : {}),
  };
}

async function outcomeOf(call: PendingCall, options: ExecOptions): Promise<ToolOutcome> {
  if (options.signal.aborted) {
    return { text: `Cannot run "${call.name}": cancelled`, isError: true, code: "CANCELLED" };
  }
  if (call.badArgs !== undefined && options.cutOff) {
    // Sending the same call again would be cut at the same place.
    const limit = options.cutOff.limit;
    return {
      text:
        `Cannot run "${call.name}": the reply reached its output limit${
          limit ? ` (${limit.toLocaleString("en-US")} tokens)` : ""
        } before these arguments were complete; make smaller calls: write a long file in ` +
        "parts (file_write the start, then file_edit to add the rest) and make large changes " +
        "as several edits ([context] reserved_output_tokens sets the limit; " +
        "reasoning_output_tokens for a model that reasons)",
      isError: true,
      code: "USAGE",
    };
  }
  if (call.badArgs !== undefined) {
    return {
      text: `Cannot run "${call.name}": the arguments are not a JSON object (${
        cutText(call.badArgs, 200)
      }); send the arguments as one JSON object`,
      isError: true,
      code: "USAGE",
    };
  }
  if (!options.allowed.has(call.name)) {
    const names = [...options.allowed].join(", ");
    return {
      text: `Cannot run "${call.name}": it is not available here; the tools are ${names}`,
      isError: true,
      code: "USAGE",
    };
  }
  return await runTool(options.host, call.name, call.input, {
    signal: options.signal,
    onProgress: (update) =>
      options.emit({ type: "tool-progress", id: call.id, name: call.name, update }),
  });
}
