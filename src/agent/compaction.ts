// Compaction: older turns become one summary by the weak model; their facts go to the graph.
import { cutText, cutTextEnd, LoomError } from "../core/mod.ts";
import type { LanguageModel, Message, Usage } from "../core/mod.ts";
import type { DecisionGraph } from "../graph/mod.ts";

/** A fact worth keeping beyond the summary. */
export interface Fact {
  kind: "goal" | "decision" | "rejected";
  text: string;
}

/** What the weak model made of the older turns. */
export interface Summary {
  text: string;
  facts: Fact[];
  filesTouched: string[];
  usage?: Usage;
}

/** The transcript's length at most (a weak model with a small window gets less; see below). */
const TRANSCRIPT_CHARS = 60_000;
const PART_CHARS = 1_500;
/** An earlier compaction's summary is kept whole up to this: it stands for all that came before. */
const SUMMARY_CHARS = 16_000;
/** The summary's length at most, in tokens. */
const SUMMARY_TOKENS = 2048;
/** How a summary message begins (see summaryMessage). */
const SUMMARY_MARK = "[Loom compacted the ";

const INSTRUCTIONS = `You compact the early part of a coding session so the work can continue.
Write two sections, exactly like this:

Summary:
<what the user asked, what was done, what was learned, and what is still open; be concrete>

Facts:
- goal: <a goal the user set>
- decision: <a decision taken, with its reason>
- rejected: <an option rejected, with its reason>

List every goal, decision and rejection; write "- none" under Facts when there are none.`;

/** Tool names whose `path` argument is a file the session changed. */
const WRITING_TOOLS = new Set(["file_write", "file_edit"]);

/** Files written or edited in `messages`, in first-seen order. */
export function filesTouched(messages: readonly Message[]): string[] {
  const seen = new Set<string>();
  for (const message of messages) {
    if (message.role !== "assistant" || typeof message.content === "string") continue;
    for (const part of message.content) {
      if (part.type !== "tool_use" || !WRITING_TOOLS.has(part.name)) continue;
      const path = part.input.path;
      if (typeof path === "string") seen.add(path);
    }
  }
  return [...seen];
}

/**
 * The messages as plain text for the summariser, long parts shortened, at most `maxChars` long.
 * An earlier compaction's summary (the first message, after a compaction) is kept whole and
 * first: it stands for everything before it, and a second compaction must not lose the first's
 * work. What does not fit is left out from the earliest turns after it.
 */
export function renderTranscript(
  messages: readonly Message[],
  maxChars = TRANSCRIPT_CHARS,
): string {
  const first = messages.find((m) => m.role !== "system");
  const earlier = typeof first?.content === "string" && first.content.startsWith(SUMMARY_MARK)
    ? first.content
    : undefined;
  const head = earlier === undefined
    ? ""
    : `EARLIER SUMMARY: ${cut(earlier, Math.min(SUMMARY_CHARS, Math.floor(maxChars / 2)))}\n`;
  const lines: string[] = [];
  const short = (text: string) => cut(text, PART_CHARS);
  for (const message of messages) {
    if (message.role === "system" || (message === first && earlier !== undefined)) continue;
    const who = message.role.toUpperCase();
    if (typeof message.content === "string") {
      lines.push(`${who}: ${short(message.content)}`);
      continue;
    }
    for (const part of message.content) {
      if (part.type === "text") lines.push(`${who}: ${short(part.text)}`);
      else if (part.type === "tool_use") {
        lines.push(`TOOL CALL ${part.name} ${short(JSON.stringify(part.input))}`);
      } else if (part.type === "tool_result") {
        lines.push(`TOOL RESULT${part.isError ? " (error)" : ""}: ${short(part.content)}`);
      } else lines.push(`${who}: [image]`);
    }
  }
  const text = lines.join("\n");
  const room = Math.max(0, maxChars - head.length);
  return head +
    (text.length > room ? `[... earliest turns omitted ...]\n${cutTextEnd(text, room)}` : text);
}

function cut(text: string, max: number): string {
  return text.length > max ? `${cutText(text, max)} [... shortened]` : text;
}

/**
 * The transcript a model's window has room for: its window less the answer and the instructions,
 * at three characters a token (code and JSON run denser than prose's four).
 */
export function transcriptRoom(model: LanguageModel): number {
  const tokens = model.info.contextWindow - SUMMARY_TOKENS - 1_000;
  return Math.max(4_000, Math.min(TRANSCRIPT_CHARS, tokens * 3));
}

/** Parses the summariser's answer into the summary text and its facts. */
export function parseSummary(answer: string): { text: string; facts: Fact[] } {
  // Line by line, each trimmed first: patterns with \s* at both ends of a line retried from every
  // position of a long run of blank space (a model's answer may hold anything).
  const lines = answer.split("\n");
  const at = lines.findIndex((line) => line.trim().toLowerCase() === "facts:");
  const head = at < 0 ? answer : lines.slice(0, at).join("\n");
  const facts: Fact[] = [];
  for (const line of at < 0 ? [] : lines.slice(at + 1)) {
    const m = /^[-*]\s*(goal|decision|rejected|rejection)s?\s*:\s*(.+)$/i.exec(line.trim());
    if (!m) continue;
    const kind = m[1].toLowerCase().startsWith("reject") ? "rejected" : m[1].toLowerCase();
    facts.push({ kind: kind as Fact["kind"], text: m[2] });
  }
  const text = head.replace(/^\s*summary:\s*/i, "").trim();
  return { text: text === "" ? answer.trim() : text, facts };
}

/** Asks the weak model to summarise `messages`. Throws PROVIDER when the call fails. */
export async function summarise(
  model: LanguageModel,
  messages: readonly Message[],
  options: { signal?: AbortSignal } = {},
): Promise<Summary> {
  let answer = "";
  let usage: Usage | undefined;
  const request = {
    messages: [
      { role: "system" as const, content: INSTRUCTIONS },
      { role: "user" as const, content: renderTranscript(messages, transcriptRoom(model)) },
    ],
    maxTokens: SUMMARY_TOKENS,
  };
  for await (const part of model.stream(request, { signal: options.signal })) {
    if (part.type === "text-delta") answer += part.text;
    else if (part.type === "usage") usage = part.usage;
    else if (part.type === "error") {
      throw new LoomError(
        part.error.code === "CANCELLED" ? "CANCELLED" : "PROVIDER",
        `Cannot compact the conversation: ${part.error.message}`,
        { cause: part.error },
      );
    }
  }
  const parsed = parseSummary(answer);
  return { ...parsed, filesTouched: filesTouched(messages), usage };
}

/** The message that stands in for the summarised turns. */
export function summaryMessage(summary: Summary, count: number): Message {
  const files = summary.filesTouched.length > 0
    ? `\n\nFiles changed so far: ${summary.filesTouched.join(", ")}`
    : "";
  const facts = summary.facts.length > 0
    ? `\n\nFacts kept:\n${summary.facts.map((f) => `- ${f.kind}: ${f.text}`).join("\n")}`
    : "";
  return {
    role: "user",
    content:
      `[Loom compacted the ${count} earliest messages of this session into this summary.]\n\n${summary.text}${facts}${files}`,
  };
}

const LABEL: Record<Fact["kind"], string> = {
  goal: "Goal",
  decision: "Decision",
  rejected: "Rejected",
};

/** Writes the summary's facts (and the files touched) to the graph as observations. */
export function recordFacts(
  graph: DecisionGraph,
  summary: Summary,
  sessionId: string,
): number {
  const body = `Kept when session ${sessionId} was compacted.`;
  const files = summary.filesTouched.slice(0, 100);
  let written = 0;
  for (const fact of summary.facts.slice(0, 50)) {
    graph.addNode({
      type: "observation",
      title: clip(`${LABEL[fact.kind]}: ${fact.text}`, 300),
      body,
      files,
      sessionId,
    });
    written++;
  }
  if (files.length > 0) {
    graph.addNode({
      type: "observation",
      title: clip(`Files touched: ${files.join(", ")}`, 300),
      body,
      files,
      sessionId,
    });
    written++;
  }
  return written;
}

function clip(text: string, max: number): string {
  const one = text.replaceAll("\n", " ");
  return one.length > max ? `${cutText(one, max - 3)}...` : one;
}
