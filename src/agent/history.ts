// The conversation in memory. Token counts are exact (a real tokenizer) but taken only when a
// budget decision needs them: until then a cheap upper bound (UTF-8 bytes) settles it.
import type { Message } from "../core/mod.ts";
import { countTokens } from "../llm/mod.ts";
import type { LoopHistory } from "./loop.ts";

/**
 * Tokens a message adds to a prompt: its text, tool calls (with what goes back with them) and
 * results, plus a little framing.
 */
export function messageTokens(message: Message): number {
  return measure(message, countTokens);
}

/**
 * An upper bound of `messageTokens(message)` that needs no tokenizer: every token of a byte-level
 * BPE covers at least one UTF-8 byte, so a text has at most as many tokens as bytes.
 */
export function messageTokenBound(message: Message): number {
  return measure(message, utf8Length);
}

function measure(message: Message, count: (text: string) => number): number {
  const framing = 4;
  if (typeof message.content === "string") return framing + count(message.content);
  let total = framing;
  for (const part of message.content) {
    switch (part.type) {
      case "text":
        total += count(part.text);
        break;
      case "tool_use":
        total += 8 + count(part.name) + count(JSON.stringify(part.input));
        // Reasoning sent back with the call (DeepSeek's, OpenRouter's details) is sent too.
        if (part.providerFields) total += count(JSON.stringify(part.providerFields));
        break;
      case "tool_result":
        total += 8 + count(part.content);
        break;
      case "image":
        total += 1500;
        break;
    }
  }
  return total;
}

/**
 * At least the bytes of `text` in UTF-8: exact except for surrogates, counted as 3 bytes each
 * (a pair is really 4 bytes, a lone one becomes U+FFFD's 3).
 */
export function utf8Length(text: string): number {
  // Most of what flows through a coding session is ASCII: one regex scan settles it natively.
  if (!NON_ASCII.test(text)) return text.length;
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) bytes += c < 0x800 ? 1 : 2;
  }
  return bytes;
}

const NON_ASCII = /[\u0080-\uffff]/;

interface Entry {
  message: Message;
  seq: number;
  /** Exact tokens, once counted. */
  counted: number | undefined;
  bound: number;
}

/** The live conversation; appends go through `record` (the session store) first. */
export class Conversation implements LoopHistory {
  #entries: Entry[] = [];
  #messages: Message[] = [];
  /** Exact tokens of the entries before `#countedUpTo`, all of which are counted. */
  #counted = 0;
  #countedUpTo = 0;
  /** The bounds of the entries from `#countedUpTo` on. */
  #uncounted = 0;
  #record: (message: Message) => number;
  #pastCallIds: Iterable<string>;

  /**
   * `pastCallIds`: the tool call ids the session used before `initial` (a compaction summarised
   * them away).
   */
  constructor(
    initial: { message: Message; seq: number }[],
    record: (message: Message) => number,
    pastCallIds: Iterable<string> = [],
  ) {
    this.#record = record;
    this.#pastCallIds = pastCallIds;
    for (const item of initial) this.#push(item.message, item.seq);
  }

  #push(message: Message, seq: number): void {
    const bound = messageTokenBound(message);
    this.#entries.push({ message, seq, counted: undefined, bound });
    this.#messages.push(message);
    this.#uncounted += bound;
  }

  /** The messages, oldest first. The array is the conversation's own: do not change it. */
  messages(): readonly Message[] {
    return this.#messages;
  }

  /** Records and appends a message. */
  append(message: Message): void {
    this.#push(message, this.#record(message));
  }

  pastCallIds(): Iterable<string> {
    return this.#pastCallIds;
  }

  /** Exact tokens of the whole conversation (counts the messages not counted yet). */
  tokens(): number {
    while (this.#countOne());
    return this.#counted;
  }

  /**
   * True when the conversation's exact token count is above `limit`. Messages are counted, oldest
   * first, only until the counted ones plus the bounds of the rest are known to fit.
   */
  exceeds(limit: number): boolean {
    while (this.#counted + this.#uncounted > limit) {
      if (!this.#countOne()) return true;
    }
    return false;
  }

  #countOne(): boolean {
    if (this.#countedUpTo >= this.#entries.length) return false;
    const entry = this.#entries[this.#countedUpTo++];
    this.#uncounted -= entry.bound;
    this.#counted += this.#tokensAt(this.#countedUpTo - 1);
    return true;
  }

  /** How many messages there are. */
  get length(): number {
    return this.#entries.length;
  }

  /** The entry at `index`: message, sequence number in the store, exact tokens. */
  entry(index: number): { message: Message; seq: number; tokens: number } {
    const entry = this.#entries[index];
    return { message: entry.message, seq: entry.seq, tokens: this.#tokensAt(index) };
  }

  #tokensAt(index: number): number {
    const entry = this.#entries[index];
    entry.counted ??= messageTokens(entry.message);
    return entry.counted;
  }

  /** Replaces the first `count` messages with `summary` (already stored as `seq`). */
  replacePrefix(count: number, summary: Message, seq: number): void {
    const rest = this.#entries.slice(count);
    this.#entries = [];
    this.#messages = [];
    this.#counted = 0;
    this.#countedUpTo = 0;
    this.#uncounted = 0;
    this.#push(summary, seq);
    for (const entry of rest) {
      this.#entries.push(entry);
      this.#messages.push(entry.message);
      this.#uncounted += entry.bound;
    }
  }
}
