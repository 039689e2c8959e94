// `loom "question"` and `loom -p`: one turn, then exit. Text, one JSON object, or the agent's
// events as JSON lines.
import type { Agent, AgentEvent, StopReason } from "../agent/mod.ts";
import type { Usage } from "../core/mod.ts";
import type { OutputFormat } from "./args.ts";
import type { TurnView } from "./render/turn_view.ts";
import { safeText } from "./render/safe_text.ts";
import { stopNote } from "./render/status.ts";

/** How one answer is produced and printed. */
export interface OneShotOptions {
  format: OutputFormat;
  /** Text format: render the turn as it happens (a person is watching); else print the answer. */
  view?: TurnView;
  architect?: boolean;
  /**
   * Text format: `out` is a terminal, so the model's control characters are shown instead of
   * run (see safeText). Piped text and the JSON formats stay as the model wrote them.
   */
  terminal?: boolean;
  signal?: AbortSignal;
  out: (text: string) => void;
  err: (text: string) => void;
}

/** A tool call as the JSON output lists it. */
export interface JsonToolCall {
  id: string;
  name: string;
  input: Record<string, unknown>;
  isError: boolean;
  code?: string;
  durationMs: number;
}

/** The object `--output-format json` prints. */
export interface JsonResult {
  answer: string;
  sessionId: string | null;
  title: string | null;
  reason: StopReason;
  steps: number;
  usage: Usage;
  costUsd: number;
  toolCalls: JsonToolCall[];
  errors: { code: string; message: string }[];
}

/** Puts piped input ahead of the question: `git diff | loom -p "review this"`. */
export function buildPrompt(question: string, piped: string): string {
  // trimEnd, not /\s+$/: that pattern retries from every space of a long run (seconds on
  // piped text with a few hundred thousand spaces in it).
  const context = piped.trimEnd();
  if (context === "") return question;
  if (question.trim() === "") return context;
  return `<stdin>\n${context}\n</stdin>\n\n${question}`;
}

/** An event as one JSON value (errors become `{code, message}`). */
export function eventToJson(event: AgentEvent): unknown {
  if (event.type === "error") {
    return { type: "error", error: { code: event.error.code, message: event.error.message } };
  }
  return event;
}

/**
 * The line `loom -p` prints to stderr when a model call is retried.
 *
 * @example retryLine({ type: "retry", attempt: 1, maxAttempts: 5, delayMs: 2000, reason: "..." })
 * // "Retrying in 2.0 s (attempt 2 of 5): ..."
 */
export function retryLine(event: Extract<AgentEvent, { type: "retry" }>): string {
  const of = event.maxAttempts === undefined ? "" : ` of ${event.maxAttempts}`;
  const reason = event.reason.replace(/\s+/g, " ").trim();
  return `Retrying in ${(event.delayMs / 1000).toFixed(1)} s (attempt ${
    event.attempt + 1
  }${of}): ${reason}`;
}

/** Runs one turn and prints it in `format`; returns the exit code (0 when the answer is final). */
export async function runOneShot(
  agent: Agent,
  prompt: string,
  options: OneShotOptions,
): Promise<number> {
  const result: JsonResult = {
    answer: "",
    sessionId: null,
    title: null,
    reason: "error",
    steps: 0,
    usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
    costUsd: 0,
    toolCalls: [],
    errors: [],
  };
  const inputs = new Map<string, Record<string, unknown>>();
  const shown = (text: string) => options.terminal ? safeText(text) : text;
  const events = agent.run(prompt, {
    signal: options.signal,
    mode: options.architect ? "architect" : "normal",
  });
  for await (const event of events) {
    if (options.format === "stream-json") options.out(`${JSON.stringify(eventToJson(event))}\n`);
    else if (options.view) options.view.handle(event);
    switch (event.type) {
      case "session":
        result.sessionId = event.sessionId;
        break;
      case "title":
        result.title = event.title;
        break;
      case "tool-start":
        inputs.set(event.id, event.input);
        break;
      case "tool-end":
        result.toolCalls.push({
          id: event.id,
          name: event.name,
          input: inputs.get(event.id) ?? {},
          isError: event.outcome.isError === true,
          ...(event.outcome.code ? { code: event.outcome.code } : {}),
          durationMs: event.durationMs,
        });
        break;
      case "usage":
        for (const key of ["input", "output", "cacheRead", "cacheWrite"] as const) {
          result.usage[key] += event.usage[key];
        }
        result.costUsd += event.costUsd;
        break;
      case "retry":
        // Nothing else is printed while a failing provider is retried: say so, once per retry.
        if (options.format === "text" && !options.view) {
          options.err(`${shown(retryLine(event))}\n`);
        }
        break;
      case "error":
        result.errors.push({ code: event.error.code, message: event.error.message });
        if (options.format === "text" && !options.view) {
          options.err(`${shown(event.error.message)}\n`);
        }
        break;
      case "final":
        result.answer = event.text;
        result.reason = event.reason;
        result.steps = event.steps;
        break;
    }
  }
  result.title ??= agent.session()?.title ?? null;
  if (options.format === "json") options.out(`${JSON.stringify(result, null, 2)}\n`);
  else if (options.format === "text" && !options.view && result.answer !== "") {
    const answer = shown(result.answer);
    options.out(answer.endsWith("\n") ? answer : `${answer}\n`);
  }
  const note = stopNote(result.reason);
  if (note && options.format === "text" && !options.view) options.err(`${note[0]}: ${note[1]}\n`);
  return result.reason === "final" ? 0 : 1;
}
