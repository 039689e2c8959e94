// Picking up a session after a crash: calls that never reported back get a result saying so.
import type { Message, ToolResultPart } from "../core/mod.ts";
import type { SessionStore, StoredMessage } from "./session_store.ts";

/**
 * When the last live message is an assistant turn whose tool calls have no results (the process
 * died while they ran), the results to append: what finished from the tool-call log, and a note
 * for what did not. Undefined when nothing is dangling.
 */
export function danglingResults(
  store: SessionStore,
  sessionId: string,
  live: readonly StoredMessage[],
): Message | undefined {
  const last = live.at(-1)?.message;
  if (!last || last.role !== "assistant" || typeof last.content === "string") return undefined;
  const uses = last.content.filter((p) => p.type === "tool_use");
  if (uses.length === 0) return undefined;
  const logged = new Map(store.toolCalls(sessionId).map((c) => [c.callId, c]));
  const content: ToolResultPart[] = uses.map((use) => {
    const call = logged.get(use.id);
    if (call?.output != null) {
      return {
        type: "tool_result",
        toolUseId: use.id,
        content: call.output,
        ...(call.isError ? { isError: true } : {}),
      };
    }
    return {
      type: "tool_result",
      toolUseId: use.id,
      content: `Cannot finish "${use.name}": Loom stopped while it ran (the session was ` +
        `interrupted); check what it did before running it again`,
      isError: true,
    };
  });
  return { role: "tool", content };
}
