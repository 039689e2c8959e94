// One compaction: pick the cut, summarise with the weak model, store, record facts.
import type { LanguageModel, Usage } from "../core/mod.ts";
import type { DecisionGraph } from "../graph/mod.ts";
import { findCut } from "./context.ts";
import { recordFacts, summarise, summaryMessage } from "./compaction.ts";
import type { Conversation } from "./history.ts";
import type { SessionStore } from "./session_store.ts";

/** What a compaction did. */
export interface CompactionResult {
  summarised: number;
  kept: number;
  tokensBefore: number;
  tokensAfter: number;
  observations: number;
}

/** Compacts `conversation` so that what stays fits `keepTokens`; null when nothing can go. */
export async function compactConversation(input: {
  conversation: Conversation;
  store: SessionStore;
  graph: DecisionGraph;
  weak: LanguageModel;
  sessionId: string;
  keepTokens: number;
  signal?: AbortSignal;
  onUsage?: (usage: Usage) => void;
}): Promise<CompactionResult | null> {
  const { conversation } = input;
  const messages = conversation.messages();
  const cut = findCut(messages, (i) => conversation.entry(i).tokens, input.keepTokens);
  if (cut === 0) return null;
  const older = messages.slice(0, cut);
  const summary = await summarise(input.weak, older, { signal: input.signal });
  if (summary.usage) input.onUsage?.(summary.usage);
  const tokensBefore = conversation.tokens();
  const message = summaryMessage(summary, cut);
  const seq = input.store.replaceWithSummary(
    input.sessionId,
    conversation.entry(cut - 1).seq,
    message,
  );
  conversation.replacePrefix(cut, message, seq);
  const observations = recordFacts(input.graph, summary, input.sessionId);
  return {
    summarised: cut,
    kept: conversation.length - 1,
    tokensBefore,
    tokensAfter: conversation.tokens(),
    observations,
  };
}
