// Routes the fake provider's requests for a `loom` subprocess: session titles and compaction
// summaries get fixed answers, every other request takes the next scripted reply.
import type { FakeReply, RecordedRequest } from "./fake_llm.ts";
import { reply } from "./fake_llm.ts";

/** The system prompt of a request, for either wire format. */
export function systemOf(request: RecordedRequest): string {
  const body = request.body;
  if (request.api === "anthropic") {
    return typeof body.system === "string" ? body.system : JSON.stringify(body.system ?? "");
  }
  return JSON.stringify(body.messages?.find((m: { role: string }) => m.role === "system") ?? "");
}

/** What kind of call a request is: a session title, a compaction summary, or the agent's turn. */
export function kindOf(request: RecordedRequest): "title" | "compaction" | "turn" {
  const system = systemOf(request);
  if (system.includes("Write a title")) return "title";
  if (system.includes("You compact")) return "compaction";
  return "turn";
}

/** A fallback for startFakeLlm: titles and summaries answered, turns taken from `turns` in order. */
export function scriptedAgent(
  turns: (FakeReply | ((request: RecordedRequest) => FakeReply))[],
  options: { title?: string; summary?: string } = {},
): (request: RecordedRequest) => FakeReply {
  return (request) => {
    const kind = kindOf(request);
    if (kind === "title") return reply.text(options.title ?? "Scripted session");
    if (kind === "compaction") {
      return reply.text(options.summary ?? "Summary: the user asked things.\nFacts:\n");
    }
    const next = turns.shift();
    if (next === undefined) return reply.text("(no scripted reply left)");
    return typeof next === "function" ? next(request) : next;
  };
}

/** The text of every message the model was sent in `request`, joined. */
export function sentText(request: RecordedRequest): string {
  return JSON.stringify(request.body.messages ?? []);
}
