// The ReAct loop: model → tool calls → results → model, until an answer or a limit.
import { LoomError, type PushableParts, pushParts } from "../core/mod.ts";
import type {
  LanguageModel,
  Message,
  StreamPart,
  TextPart,
  ToolDefinition,
  ToolUsePart,
  Usage,
} from "../core/mod.ts";
import type { ToolHost, ToolOutcome } from "../tools/run.ts";
import type { AgentEvent, AgentRole, StopReason, WaitKind } from "./events.ts";
import { executeCalls, type PendingCall } from "./tool_exec.ts";

/** Where the loop keeps its conversation; the agent persists through it. */
export interface LoopHistory {
  /**
   * The conversation so far, without the system prompt: one array, appended to, until a
   * compaction replaces it with a new one.
   */
  messages(): readonly Message[];
  /** Adds a message (and records it) as soon as it is complete. */
  append(message: Message): void;
  /**
   * Tool call ids used before `messages()` began: ones a compaction summarised away, which the
   * session's records still hold. A new call must not reuse them.
   */
  pastCallIds?(): Iterable<string>;
}

/** Everything one run of the loop needs. */
export interface LoopOptions {
  model: LanguageModel;
  role: AgentRole;
  host: ToolHost;
  /** The tools the model sees, in a stable order (part of the cached prefix). */
  tools: ToolDefinition[];
  system: string;
  history: LoopHistory;
  maxSteps: number;
  /** Stop once this many tokens (input + output, all calls) have been used. */
  maxTokens?: number;
  maxOutputTokens?: number;
  signal: AbortSignal;
  emit: (event: AgentEvent) => void;
  /** Called before each model call (compaction happens here); a promise when it has to wait. */
  beforeCall?: (step: number) => Promise<void> | void;
  /**
   * Called when the provider refused a call as longer than the model's context window (our token
   * count and the provider's can disagree): true when the conversation was made shorter, and the
   * call is then made again, once.
   */
  onOverflow?: (step: number) => Promise<boolean>;
  /** Records one call's usage. */
  onUsage?: (usage: Usage, role: AgentRole, model: LanguageModel, step: number) => void;
  onToolStart?: (call: ToolUsePart) => void;
  onToolEnd?: (call: ToolUsePart, outcome: ToolOutcome, durationMs: number) => void;
  fitResult?: (call: ToolUsePart, text: string) => string;
  /** Called before the loop waits on the outside world: each model call, each batch of tools. */
  checkpoint?: (wait: WaitKind) => void;
  /** Called when a wait is over, before anything it brought back is acted on. */
  waited?: () => void;
  /** Step numbers continue from here (architect then editor share one count). */
  firstStep?: number;
}

/** How a loop ended. */
export interface LoopResult {
  text: string;
  reason: StopReason;
  steps: number;
  error?: LoomError;
}

/** Runs the loop until a final answer, the step or token limit, cancellation or an error. */
export async function runLoop(options: LoopOptions): Promise<LoopResult> {
  const allowed = namesOf(options.tools);
  const prompt = promptMessages(options.system, options.history);
  const first = options.firstStep ?? 1;
  let lastText = "";
  let tokens = 0;
  let shortened = -1;
  for (let step = first; step < first + options.maxSteps; step++) {
    if (options.signal.aborted) return cancelled(lastText, step - first);
    const before = options.beforeCall?.(step);
    if (before) await before;
    options.emit({ type: "step", step, role: options.role, model: options.model.info.id });
    options.checkpoint?.("model");
    const turn = await streamTurn(options, prompt(), step);
    if (turn.usage) {
      tokens += turn.usage.input + turn.usage.output + turn.usage.cacheRead +
        turn.usage.cacheWrite;
    }
    if (
      turn.error?.details?.overflow === true && options.onOverflow && shortened !== step &&
      !options.signal.aborted
    ) {
      shortened = step;
      if (await options.onOverflow(step)) {
        step--;
        continue;
      }
    }
    if (turn.error) {
      if (options.signal.aborted || turn.error.code === "CANCELLED") {
        return cancelled(lastText, step - first + 1);
      }
      return { text: lastText, reason: "error", steps: step - first + 1, error: turn.error };
    }
    const content: (TextPart | ToolUsePart)[] = [];
    if (turn.text !== "") content.push({ type: "text", text: turn.text });
    for (const call of turn.calls) {
      content.push({
        type: "tool_use",
        id: call.id,
        name: call.name,
        input: call.input,
        ...(call.providerFields ? { providerFields: call.providerFields } : {}),
      });
    }
    if (content.length > 0) options.history.append({ role: "assistant", content });
    if (turn.text !== "") lastText = turn.text;
    if (turn.calls.length === 0) {
      const reason = turn.finish === "length"
        ? "length"
        : turn.finish === "content_filter"
        ? "refused"
        : "final";
      return { text: turn.text, reason, steps: step - first + 1 };
    }
    const results = await executeCalls(turn.calls, {
      host: options.host,
      allowed,
      signal: options.signal,
      emit: options.emit,
      onStart: options.onToolStart,
      onEnd: options.onToolEnd,
      fit: options.fitResult,
      checkpoint: options.checkpoint,
      ...(turn.finish === "length" ? { cutOff: { limit: options.maxOutputTokens } } : {}),
    });
    options.history.append({ role: "tool", content: results });
    if (options.signal.aborted) return cancelled(lastText, step - first + 1);
    if (options.maxTokens !== undefined && tokens >= options.maxTokens) {
      return { text: lastText, reason: "token_limit", steps: step - first + 1 };
    }
  }
  return { text: lastText, reason: "step_limit", steps: options.maxSteps };
}

interface Turn {
  text: string;
  calls: PendingCall[];
  usage?: Usage;
  finish?: string;
  error?: LoomError;
}

const toolNames = new WeakMap<ToolDefinition[], ReadonlySet<string>>();

/** The names in a list of tools (kept per list: an agent passes the same one every run). */
function namesOf(tools: ToolDefinition[]): ReadonlySet<string> {
  let names = toolNames.get(tools);
  if (names === undefined) {
    names = new Set(tools.map((t) => t.name));
    toolNames.set(tools, names);
  }
  return names;
}

/** The tool call ids a conversation has used, and the next suffix to try per reused id. */
interface CallIds {
  used: Set<string>;
  next: Map<string, number>;
}

const historyIds = new WeakMap<LoopHistory, CallIds>();

/**
 * The tool call ids a conversation has used, its earlier ones included (kept per history, across
 * compactions, and grown by uniqueId).
 */
function callIds(history: LoopHistory): CallIds {
  let ids = historyIds.get(history);
  if (ids === undefined) {
    ids = { used: new Set(history.pastCallIds?.()), next: new Map() };
    for (const message of history.messages()) {
      if (message.role !== "assistant" || typeof message.content === "string") continue;
      for (const part of message.content) if (part.type === "tool_use") ids.used.add(part.id);
    }
    historyIds.set(history, ids);
  }
  return ids;
}

/**
 * The provider's id for a tool call, or a new one when it is empty or already used in the
 * conversation. Providers mint unique ids, but OpenAI-compatible servers may send none (the
 * converter then numbers calls within one reply) or number their own: two calls with one id
 * would share one row in the session's tool calls and confuse the results sent back. A server
 * that sends `call_0` in every reply gets `call_0_2`, `call_0_3`, …: each id reused resumes where
 * the last left off, so a long session does not search its whole past for a free one.
 */
function uniqueId(id: string, ids: CallIds): string {
  if (id !== "" && !ids.used.has(id)) {
    ids.used.add(id);
    return id;
  }
  const base = id || "call";
  let n = ids.next.get(base) ?? 2;
  let fresh = `${base}_${n++}`;
  while (ids.used.has(fresh)) fresh = `${base}_${n++}`;
  ids.next.set(base, n);
  ids.used.add(fresh);
  return fresh;
}

/** A history's prompt array, kept from run to run, and what it was made from. */
interface Prompt {
  system: string;
  source: readonly Message[];
  messages: Message[];
}
const prompts = new WeakMap<LoopHistory, Prompt>();

/**
 * The messages each call sends: the system prompt, then the history. One array per history, grown
 * as the history grows, from call to call and run to run (a new one when the system prompt
 * changes or the history is replaced, as compaction does), instead of a copy of the whole history
 * per call: a model that saw the array before need only look at what was added since. A model
 * reads it during `stream()` and keeps no reference.
 */
function promptMessages(system: string, history: LoopHistory): () => Message[] {
  return () => {
    const current = history.messages();
    let prompt = prompts.get(history);
    if (
      prompt === undefined || prompt.system !== system || prompt.source !== current ||
      current.length < prompt.messages.length - 1
    ) {
      prompt = { system, source: current, messages: [{ role: "system", content: system }] };
      prompts.set(history, prompt);
    }
    const messages = prompt.messages;
    for (let i = messages.length - 1; i < current.length; i++) messages.push(current[i]);
    return messages;
  };
}

async function streamTurn(options: LoopOptions, messages: Message[], step: number): Promise<Turn> {
  const turn: Turn = { text: "", calls: [] };
  try {
    const stream = options.model.stream(
      {
        messages,
        tools: options.tools.length > 0 ? options.tools : undefined,
        maxTokens: options.maxOutputTokens,
      },
      { signal: options.signal },
    );
    let waiting = true;
    let used: CallIds | undefined;
    const take = (part: StreamPart) => {
      if (waiting) {
        waiting = false;
        options.waited?.();
      }
      switch (part.type) {
        case "text-delta":
          turn.text += part.text;
          options.emit({ type: "text-delta", text: part.text, role: options.role });
          break;
        case "tool-call-end":
          used ??= callIds(options.history);
          turn.calls.push({
            type: "tool_use",
            id: uniqueId(part.id, used),
            name: part.name,
            input: part.input ?? {},
            ...(part.providerFields ? { providerFields: part.providerFields } : {}),
            ...(part.input === undefined ? { badArgs: part.argsText } : {}),
          });
          break;
        case "usage":
          turn.usage = part.usage;
          options.onUsage?.(part.usage, options.role, options.model, step);
          break;
        case "finish":
          turn.finish = part.reason;
          break;
        case "retry":
          options.emit({
            type: "retry",
            attempt: part.attempt,
            ...(part.maxAttempts === undefined ? {} : { maxAttempts: part.maxAttempts }),
            delayMs: part.delayMs,
            reason: part.reason,
          });
          break;
        case "error":
          turn.error = part.error;
          break;
      }
    };
    // Pushed when the model can (no promise per part), else iterated.
    const push = (stream as Partial<PushableParts>)[pushParts];
    if (push) await push.call(stream, take);
    else for await (const part of stream) take(part);
  } catch (err) {
    if (options.signal.aborted) turn.error = new LoomError("CANCELLED", "Cannot finish: cancelled");
    else throw err;
  }
  if (!turn.error && options.signal.aborted) {
    turn.error = new LoomError("CANCELLED", "Cannot finish the step: cancelled");
  }
  return turn;
}

function cancelled(text: string, steps: number): LoopResult {
  return { text, reason: "cancelled", steps };
}
