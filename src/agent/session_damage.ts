// Reading stored messages that may be damaged (a disk fault, a hand edit, another version of Loom):
// a message that is not a readable Message is left out, and the tool calls and results around the
// gap are trimmed so that each call still has its result and each result its call, as providers
// require. The rest of the session goes on.
import { z } from "zod";
import type { Message } from "../core/mod.ts";

const text = z.object({ type: z.literal("text"), text: z.string() });
const image = z.object({ type: z.literal("image"), mediaType: z.string(), data: z.string() });
const toolUse = z.object({
  type: z.literal("tool_use"),
  id: z.string(),
  name: z.string(),
  input: z.record(z.string(), z.unknown()),
  providerFields: z.record(z.string(), z.unknown()).optional(),
});
const toolResult = z.object({
  type: z.literal("tool_result"),
  toolUseId: z.string(),
  content: z.string(),
  isError: z.boolean().optional(),
});
const message = z.discriminatedUnion("role", [
  z.object({ role: z.literal("system"), content: z.string() }),
  z.object({
    role: z.literal("user"),
    content: z.union([z.string(), z.array(z.discriminatedUnion("type", [text, image]))]),
  }),
  z.object({
    role: z.literal("assistant"),
    content: z.union([z.string(), z.array(z.discriminatedUnion("type", [text, toolUse]))]),
  }),
  z.object({ role: z.literal("tool"), content: z.array(toolResult) }),
]);

/** A stored message's JSON as a Message, or undefined when it is not one. */
export function readMessage(json: string): Message | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  const parsed = message.safeParse(value);
  return parsed.success ? parsed.data as Message : undefined;
}

/**
 * `messages` with every tool call paired to a result in the message after it, and every result
 * to a call in the message before it: unpaired calls and results are dropped, and messages left
 * empty with them. A last assistant message keeps its calls (they were running when the session
 * stopped: the caller reports them). Returns the same objects where nothing changed.
 */
export function pairToolCalls<T extends { message: Message }>(messages: readonly T[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < messages.length; i++) {
    const item = messages[i];
    const m = item.message;
    if (m.role === "assistant" && typeof m.content !== "string" && i < messages.length - 1) {
      const next = messages[i + 1].message;
      const answered = new Set(
        next.role === "tool" ? next.content.map((r) => r.toolUseId) : [],
      );
      const content = m.content.filter((p) => p.type !== "tool_use" || answered.has(p.id));
      if (content.length < m.content.length) {
        if (content.length > 0) out.push({ ...item, message: { ...m, content } });
        continue;
      }
    } else if (m.role === "tool") {
      const before = out.at(-1)?.message;
      const calls = new Set(
        before?.role === "assistant" && typeof before.content !== "string"
          ? before.content.flatMap((p) => p.type === "tool_use" ? [p.id] : [])
          : [],
      );
      const content = m.content.filter((r) => calls.has(r.toolUseId));
      if (content.length < m.content.length) {
        if (content.length > 0) out.push({ ...item, message: { ...m, content } });
        continue;
      }
    }
    out.push(item);
  }
  return out;
}
