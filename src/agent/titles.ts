// Session titles, written by the weak model from the first request.
import { cutText } from "../core/mod.ts";
import type { LanguageModel, Usage } from "../core/mod.ts";

const MAX_TITLE = 80;

/** A short title for a session that began with `input`; falls back to the input's first words. */
export async function generateTitle(
  model: LanguageModel,
  input: string,
  options: { signal?: AbortSignal } = {},
): Promise<{ title: string; usage?: Usage }> {
  let answer = "";
  let usage: Usage | undefined;
  let failed = false;
  const request = {
    messages: [
      {
        role: "system" as const,
        content:
          "Write a title of at most six words for the coding session that starts with the user's request. Answer with the title only.",
      },
      { role: "user" as const, content: cutText(input, 4000) },
    ],
    maxTokens: 32,
  };
  for await (const part of model.stream(request, { signal: options.signal })) {
    if (part.type === "text-delta") answer += part.text;
    else if (part.type === "usage") usage = part.usage;
    else if (part.type === "error") failed = true;
  }
  const cleaned = cleanTitle(answer);
  return { title: failed || cleaned === "" ? fallbackTitle(input) : cleaned, usage };
}

/** One line, no quotes or trailing period, at most 80 characters. */
export function cleanTitle(text: string): string {
  // Cut before cleaning: the trailing pattern retries from each character of a run of quotes,
  // dots or spaces, and a first line (a model's, or a pasted prompt's) can be any length.
  const first = cutText(text.trim().split("\n")[0].trim(), MAX_TITLE * 4);
  const line = first.replace(/^["'`#*\s]+|["'`*.\s]+$/g, "");
  return line.length > MAX_TITLE ? `${cutText(line, MAX_TITLE - 3)}...` : line;
}

/** The first words of the request, for when no model can name the session. */
export function fallbackTitle(input: string): string {
  return cleanTitle(input.replaceAll(/\s+/g, " ")) || "Untitled session";
}
