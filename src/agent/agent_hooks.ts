// What the agent plugs into each loop: persistence, costs, compaction, result fitting, and the
// commits before each wait on the outside world.
import type { LanguageModel, ToolUsePart, Usage } from "../core/mod.ts";
import { countTokens } from "../llm/mod.ts";
import type { ToolHost, ToolOutcome } from "../tools/run.ts";
import type { ContextBudget } from "./context.ts";
import { truncateToTokens } from "./context.ts";
import type { AgentEvent, AgentRole, UsageRole } from "./events.ts";
import type { Conversation } from "./history.ts";
import type { LoopOptions } from "./loop.ts";
import type { SessionStore } from "./session_store.ts";

/** Charges one model call (the agent's own, or a sub-agent's). */
export type ChargeUsage = (
  usage: Usage,
  role: UsageRole,
  model: { id: string; costUsd: number },
  step: number,
) => void;

/** What the hooks work on. */
export interface HookDeps {
  host: ToolHost;
  store: SessionStore;
  conversation: Conversation;
  budget: ContextBudget;
  sessionId: () => string;
  emit: (event: AgentEvent) => void;
  charge: ChargeUsage;
  costOf: (usage: Usage, model: LanguageModel) => number;
  /** Compacts so that recent turns keep `keepTokens`. */
  compact: (signal: AbortSignal, keepTokens: number) => Promise<unknown>;
}

/** The loop options every run of the agent shares. */
export function loopHooks(
  deps: HookDeps,
  signal: AbortSignal,
): Omit<LoopOptions, "model" | "role" | "tools" | "system" | "maxSteps"> {
  const { store, conversation, budget } = deps;
  let step = 0;
  return {
    host: deps.host,
    history: conversation,
    signal,
    emit: deps.emit,
    maxOutputTokens: budget.reservedOutput,
    beforeCall: (current) => {
      step = current;
      // Automatic compaction keeps recent turns up to 40% of the history budget.
      if (conversation.exceeds(budget.history)) {
        return deps.compact(signal, Math.floor(budget.history * 0.4)).then(() => {});
      }
    },
    // The provider counted more tokens than we did: compact harder (recent turns keep 20%).
    onOverflow: async () => (await deps.compact(signal, Math.floor(budget.history * 0.2))) !== null,
    // Before a model call the writes go to disk once its request is on its way, off the turn's
    // critical path (`waited` catches a reply that comes sooner). Before tools, first: one that
    // may change the world must be on record before it starts, and file tools mostly answer
    // within the same turn of the event loop, so a deferred commit would only land after them.
    checkpoint: (wait) => wait === "model" ? store.checkpointSoon(true) : store.checkpoint(),
    waited: () => store.waited(),
    onUsage: (usage: Usage, role: AgentRole, model: LanguageModel, at: number) =>
      deps.charge(usage, role, { id: model.info.id, costUsd: deps.costOf(usage, model) }, at),
    onToolStart: (call: ToolUsePart) => store.toolStarted(deps.sessionId(), call),
    onToolEnd: (call: ToolUsePart, outcome: ToolOutcome, ms: number) => {
      store.toolEnded(deps.sessionId(), call.id, outcome, ms);
      const spent = subAgentSpend(call, outcome);
      if (spent) deps.charge(spent.usage, "sub_agent", spent, step);
    },
    fitResult: (call: ToolUsePart, text: string) => {
      // A token is at least one UTF-8 byte, and a UTF-16 unit at most three: skip the count.
      if (text.length * 3 <= budget.toolResult) return text;
      const tokens = countTokens(text);
      if (tokens <= budget.toolResult) return text;
      deps.emit({ type: "truncated", toolUseId: call.id, tokens, keptTokens: budget.toolResult });
      return truncateToTokens(text, tokens, budget.toolResult);
    },
  };
}

/** What a `sub_agent` call spent, from its structured result (model id, usage, dollars). */
export function subAgentSpend(
  call: ToolUsePart,
  outcome: ToolOutcome,
): { id: string; usage: Usage; costUsd: number } | undefined {
  const s = outcome.structured;
  if (call.name !== "sub_agent" || !s) return undefined;
  const usage = s.usage as Partial<Usage> | undefined;
  const fields = [usage?.input, usage?.output, usage?.cacheRead, usage?.cacheWrite];
  if (typeof s.model !== "string" || !fields.every((n) => typeof n === "number")) return undefined;
  return {
    id: s.model,
    usage: usage as Usage,
    costUsd: typeof s.costUsd === "number" ? s.costUsd : 0,
  };
}
