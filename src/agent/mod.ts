// Loom's agent as a library: the loop, the context window, sessions, costs, architect/editor.
export { createAgent } from "./agent.ts";
export type { Agent, AgentOptions, RunOptions } from "./agent.ts";
export { EventChannel } from "./events.ts";
export type { AgentEvent, AgentRole, StopReason, UsageRole } from "./events.ts";
export { runLoop } from "./loop.ts";
export type { LoopHistory, LoopOptions, LoopResult } from "./loop.ts";
export { executeCalls, isReadOnlyCall } from "./tool_exec.ts";
export { computeBudget, findCut, toolTokens, truncateToTokens } from "./context.ts";
export type { ContextBudget } from "./context.ts";
export { Conversation, messageTokenBound, messageTokens, utf8Length } from "./history.ts";
export { filesTouched, parseSummary, renderTranscript, summarise } from "./compaction.ts";
export type { Fact, Summary } from "./compaction.ts";
export type { CompactionResult } from "./compact_run.ts";
export { SESSION_MIGRATIONS } from "./session_schema.ts";
export { SessionStore } from "./session_store.ts";
export type {
  CostTotals,
  SessionCosts,
  SessionInfo,
  StoredMessage,
  StoredToolCall,
} from "./session_store.ts";
export { DEFAULT_INSTRUCTIONS, renderSystemPrompt } from "./system_prompt.ts";
export type { EnvironmentFacts, SystemPromptParts } from "./system_prompt.ts";
export { cleanTitle, fallbackTitle, generateTitle } from "./titles.ts";
export { openAgentDatabase } from "./database.ts";
export { WARM_UP_TURNS, warmUp } from "./warm_up.ts";
export type { WarmUpOptions } from "./warm_up.ts";
export {
  createSubAgentRunner,
  startSubAgentWorker,
  SUB_AGENT_TOOLS,
  subAgentEnv,
  subAgentPermissions,
} from "./sub_agent.ts";
export type { SubAgentRunnerOptions } from "./sub_agent.ts";
export type { SubAgentInit, SubAgentMessage } from "./sub_agent_protocol.ts";
