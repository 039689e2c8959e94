// The context window: a budget per part, and where to cut history when it outgrows its share.
import { cutText, cutTextEnd } from "../core/mod.ts";
import type { Message, ModelInfo, ToolDefinition } from "../core/mod.ts";
import type { LoomConfig } from "../config/schema.ts";
import { countTokens } from "../llm/mod.ts";

/** Tokens allotted to each part of a prompt. */
export interface ContextBudget {
  window: number;
  reservedOutput: number;
  system: number;
  decisionContext: number;
  repoMap: number;
  tools: number;
  /** What is left for the conversation. */
  history: number;
  /** A single tool result larger than this is cut down (with a note). */
  toolResult: number;
}

/** Tokens of the tool definitions as a model sees them. */
export function toolTokens(tools: ToolDefinition[]): number {
  return tools.reduce(
    (sum, t) =>
      sum + countTokens(t.name) + countTokens(t.description) +
      countTokens(JSON.stringify(t.inputSchema)) + 8,
    0,
  );
}

/**
 * Splits the model's window: reserved output, the system prompt (its decision-context and
 * repo-map slots at their `[context]` maxima), the tools, and the rest for history.
 */
export function computeBudget(input: {
  info: Pick<ModelInfo, "contextWindow" | "maxOutput" | "reasoning">;
  context: LoomConfig["context"];
  /** Tokens of the system prompt without the decision-context and repo-map blocks. */
  systemTokens: number;
  toolTokens: number;
}): ContextBudget {
  // A model that reasons spends its reasoning from the reply's limit: at 8,192 a hard question
  // could end with no answer at all (OpenAI advises leaving some 25,000 for reasoning).
  const reserved = input.info.reasoning
    ? input.context.reasoning_output_tokens
    : input.context.reserved_output_tokens;
  const reservedOutput = Math.min(reserved, input.info.maxOutput);
  const decisionContext = input.context.max_decision_context_tokens;
  const repoMap = input.context.max_repo_map_tokens;
  const fixed = reservedOutput + input.systemTokens + decisionContext + repoMap + input.toolTokens;
  const history = Math.max(256, input.info.contextWindow - fixed);
  return {
    window: input.info.contextWindow,
    reservedOutput,
    system: input.systemTokens,
    decisionContext,
    repoMap,
    tools: input.toolTokens,
    history,
    toolResult: Math.max(200, Math.floor(history / 4)),
  };
}

/**
 * Where to cut for compaction: the number of leading messages to summarise so that what stays
 * fits `keepTokens`. Never splits a tool call from its results (a cut lands before a user or
 * assistant message) and always keeps the last message. Returns 0 when nothing can be cut.
 */
export function findCut(
  messages: readonly Message[],
  tokensOf: (index: number) => number,
  keepTokens: number,
): number {
  let kept = 0;
  let cut = messages.length;
  for (let i = messages.length - 1; i > 0; i--) {
    kept += tokensOf(i);
    if (messages[i].role !== "tool") {
      if (kept > keepTokens && cut < messages.length) break;
      cut = i;
    }
  }
  return cut >= messages.length ? 0 : cut;
}

/** Cuts `text` to about `maxTokens`, keeping its head and tail, with a note saying so. */
export function truncateToTokens(text: string, tokens: number, maxTokens: number): string {
  if (tokens <= maxTokens) return text;
  const keepChars = Math.max(200, Math.floor(text.length * (maxTokens / tokens) * 0.95));
  const head = cutText(text, Math.floor(keepChars * 0.7));
  const tail = cutTextEnd(text, Math.floor(keepChars * 0.3));
  const dropped = text.length - head.length - tail.length;
  return `${head}\n[... Loom cut ${dropped} characters (about ${
    tokens - maxTokens
  } tokens) from the middle of this result to fit the context window; ask for a narrower range or a more specific search to see it ...]\n${tail}`;
}
