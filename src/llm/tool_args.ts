import type { StreamPart } from "../core/mod.ts";

/** The closing part of a tool call: the whole argument text, parsed when it is a JSON object. */
export function endToolCall(id: string, name: string, argsText: string): StreamPart {
  let input: Record<string, unknown> | undefined;
  const text = argsText.trim() === "" ? "{}" : argsText;
  try {
    const parsed = JSON.parse(text);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) input = parsed;
  } catch {
    input = undefined;
  }
  return { type: "tool-call-end", id, name, input, argsText };
}
