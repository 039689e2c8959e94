// Anthropic request bodies assembled from bytes kept per message and per tool. A conversation's
// prefix is stable by design (append-only history, same tools, same system prompt), so each
// call serialises only what is new and copies the rest from cache.
import { wellFormedJson } from "../../core/mod.ts";
import type { Message, ModelInfo, ModelRequest, ToolDefinition } from "../../core/mod.ts";
import { join, lengthOf, sameChunks } from "./byte_chunks.ts";
import { blockTexts, type SentMessage } from "./request.ts";

type Role = "user" | "assistant";
interface Converted {
  role: Role;
  /** Its content blocks' JSON joined with commas, as UTF-8 (NOTHING when it has none). */
  bytes: Uint8Array;
  /** `bytes` without its final `}`, once needed: sent before BREAKPOINT to mark the last block. */
  head?: Uint8Array;
}
/** Neighbouring messages of one role, sent as one message; `start` indexes the first. */
interface Group {
  role: Role;
  items: Converted[];
  start: number;
}
/**
 * The conversation's leading groups that no later request changes, and what they came from.
 * While a conversation is appended to, one Stable grows in place (messages, chunks and bytes).
 */
interface Stable {
  messages: Message[];
  /** `messages.length`: the request messages the kept groups cover. */
  upto: number;
  chunks: Uint8Array[];
  /** The total length of `chunks`. */
  bytes: number;
  groups: number;
  /** The role of the last kept group. */
  role: Role | undefined;
}
/** What one pass over the conversation reused and left behind. */
interface Pass {
  /** The Stable whose chunks were reused, how many of them and their length; else undefined. */
  reused: { stable: Stable; count: number; bytes: number } | undefined;
  /** A Stable whose chunks are, after this pass, exactly the first conversation chunks emitted. */
  after: Stable | undefined;
}
interface Cached {
  text: string;
  bytes: Uint8Array;
}

const utf8 = new TextEncoder();
const BREAKPOINT = ',"cache_control":{"type":"ephemeral"}}';
const BREAKPOINT_BYTES = utf8.encode(BREAKPOINT);
const COMMA = utf8.encode(",");
const CLOSE = utf8.encode("]}");
const TOOLS_OPEN = utf8.encode(`,"tools":[`);
const TOOLS_CLOSE = utf8.encode("]");
const MESSAGES_OPEN = utf8.encode(`,"messages":[`);
const OPEN: Record<Role, Uint8Array> = {
  user: utf8.encode('{"role":"user","content":['),
  assistant: utf8.encode('{"role":"assistant","content":['),
};
/** A comma, then OPEN: a message after the first. */
const NEXT: Record<Role, Uint8Array> = {
  user: utf8.encode(',{"role":"user","content":['),
  assistant: utf8.encode(',{"role":"assistant","content":['),
};
/** A message that sends nothing (no blocks). */
const NOTHING: Converted = { role: "user", bytes: new Uint8Array() };
const noStable = (): Stable => ({
  messages: [],
  upto: 0,
  chunks: [],
  bytes: 0,
  groups: 0,
  role: undefined,
});

/** Adds an ephemeral cache breakpoint to one block's JSON (it ends with `}`). */
function marked(json: string): string {
  return json.slice(0, -1) + BREAKPOINT;
}

/**
 * Serialises requests to the bytes of `JSON.stringify(toAnthropicRequest(request, info, origin))`, but
 * keeps each message's and tool's JSON (keyed by object identity) so later calls reuse it.
 * Messages and tool definitions must not be changed once sent: Loom's history is append-only.
 * A messages array passed again (the agent loop keeps one per run) may only have grown: its
 * earlier elements are then taken as they were, without a walk over them.
 */
export class AnthropicEncoder {
  /** The server's base URL: thinking blocks it sent go back to it (see blockTexts). */
  readonly #origin: string | undefined;
  #messages = new WeakMap<Message, Converted>();
  #tools = new WeakMap<ToolDefinition, { plain: Uint8Array; last: Uint8Array }>();
  #head: Cached = { text: "", bytes: new Uint8Array() };
  #system: Cached = { text: "", bytes: new Uint8Array() };
  #stable = noStable();
  /** The leased buffer and whether a body is out. */
  #buffer = new Uint8Array();
  #leased = false;
  /** What the buffer starts with: these preamble chunks, then `#bufferStable`'s chunks. */
  #bufferPreamble: Uint8Array[] = [];
  /** The last call's messages array and its length then, and the system texts found in it. */
  #seen: { messages: readonly Message[]; length: number; systemTexts: string[] } | undefined;
  /** The system texts of the request being encoded. */
  #systemTexts: string[] = [];
  #bufferStable: { stable: Stable; bytes: number } | undefined;
  /** The last preamble and what it was built from: a loop sends the same one every call. */
  #lastPreamble:
    | {
      model: string;
      max: number;
      system: Uint8Array | undefined;
      tools: unknown;
      toolCount: number;
      chunks: Uint8Array[];
      /** The chunks' total length. */
      bytes: number;
    }
    | undefined;

  constructor(origin?: string) {
    this.#origin = origin;
  }

  /** The request body as UTF-8 JSON, in a new array of its own. */
  encode(request: ModelRequest, info: ModelInfo): Uint8Array {
    // A copy: the preamble's array is kept for the next call.
    const chunks = this.#preamble(request, info).slice();
    this.#conversation(request.messages, chunks, true);
    this.#saw(request.messages);
    chunks.push(CLOSE);
    return join(chunks, new Uint8Array(lengthOf(chunks)), 0, 0);
  }

  /**
   * The request body as UTF-8 JSON, written into a buffer the encoder keeps between calls. When
   * the request starts as the previous one did (the same preamble, then the conversation's stable
   * part, which only grows), those bytes are already in the buffer and only the rest is written:
   * no walk over the whole history, and nothing allocated once the buffer is large enough. The
   * bytes stay valid until `release()`; while a body is out, further leases get arrays of their
   * own, so overlapping calls never share bytes.
   */
  lease(request: ModelRequest, info: ModelInfo): { body: Uint8Array; release(): void } {
    if (this.#leased) return { body: this.encode(request, info), release() {} };
    const preamble = this.#preamble(request, info);
    const tail: Uint8Array[] = [];
    const pass = this.#conversation(request.messages, tail, false);
    this.#saw(request.messages);
    tail.push(CLOSE);
    const reused = pass.reused;
    // `#preamble` just made or matched the last one.
    const preambleBytes = this.#lastPreamble!.bytes;
    const length = preambleBytes + (reused?.bytes ?? 0) + lengthOf(tail);
    const kept = this.#bufferStable;
    let body: Uint8Array;
    if (
      this.#buffer.length >= length && reused !== undefined && kept !== undefined &&
      reused.stable === kept.stable && reused.bytes === kept.bytes &&
      sameChunks(preamble, this.#bufferPreamble)
    ) {
      body = join(tail, this.#buffer, 0, preambleBytes + reused.bytes);
    } else {
      if (this.#buffer.length < length) {
        this.#buffer = new Uint8Array(Math.max(length + (length >> 1), 64 * 1024));
      }
      const all = reused === undefined
        ? preamble.concat(tail)
        : preamble.concat(reused.stable.chunks.slice(0, reused.count), tail);
      body = join(all, this.#buffer, 0, 0);
    }
    this.#bufferPreamble = preamble;
    this.#bufferStable = pass.after && { stable: pass.after, bytes: pass.after.bytes };
    this.#leased = true;
    let released = false;
    return {
      body: body.subarray(0, length),
      release: () => {
        if (released) return;
        released = true;
        this.#leased = false;
      },
    };
  }

  /** The last call's state when `messages` is its array, only grown since; else undefined. */
  #grown(messages: readonly Message[]) {
    const seen = this.#seen;
    return seen && seen.messages === messages && messages.length >= seen.length ? seen : undefined;
  }

  #saw(messages: readonly Message[]): void {
    this.#seen = { messages, length: messages.length, systemTexts: this.#systemTexts };
  }

  /** The chunks before the conversation: model and limits, system prompt, tools. */
  #preamble(request: ModelRequest, info: ModelInfo): Uint8Array[] {
    const max = request.maxTokens ?? Math.min(info.maxOutput, 8192);
    const system = this.#systemBytes(request.messages);
    const last = this.#lastPreamble;
    // Tool definitions are never changed once sent (see the class comment): the same array of
    // the same objects gives the same bytes.
    if (
      last !== undefined && last.model === info.model && last.max === max &&
      last.system === system && last.tools === request.tools &&
      last.toolCount === (request.tools?.length ?? 0)
    ) return last.chunks;
    const chunks: Uint8Array[] = [
      cached(
        this.#head,
        `{"model":${JSON.stringify(info.model)},"max_tokens":${max},"stream":true`,
      ),
    ];
    if (system) chunks.push(system);
    const tools = request.tools ?? [];
    if (tools.length > 0) {
      chunks.push(TOOLS_OPEN);
      for (let i = 0; i < tools.length; i++) {
        if (i > 0) chunks.push(COMMA);
        const json = this.#tool(tools[i]);
        chunks.push(i === tools.length - 1 ? json.last : json.plain);
      }
      chunks.push(TOOLS_CLOSE);
    }
    chunks.push(MESSAGES_OPEN);
    this.#lastPreamble = {
      model: info.model,
      max,
      system,
      tools: request.tools,
      toolCount: tools.length,
      chunks,
      bytes: lengthOf(chunks),
    };
    return chunks;
  }

  /** The `,"system":[...]` member; its JSON is kept while the prompt's text stays the same. */
  #systemBytes(messages: readonly Message[]): Uint8Array | undefined {
    const seen = this.#grown(messages);
    const texts: string[] = seen ? seen.systemTexts.slice() : [];
    for (let i = seen ? seen.length : 0; i < messages.length; i++) {
      const m = messages[i];
      if (m.role === "system" && m.content !== "") texts.push(m.content);
    }
    this.#systemTexts = texts;
    if (texts.length === 0) return undefined;
    const key = texts.length === 1 ? texts[0] : JSON.stringify(texts);
    if (key !== this.#system.text) {
      const json = texts.map((text, i) => {
        const block = `{"type":"text","text":${wellFormedJson(JSON.stringify(text))}}`;
        return i === texts.length - 1 ? marked(block) : block;
      });
      this.#system = { text: key, bytes: utf8.encode(`,"system":[${json.join(",")}]`) };
    }
    return this.#system.bytes;
  }

  #tool(tool: ToolDefinition): { plain: Uint8Array; last: Uint8Array } {
    let json = this.#tools.get(tool);
    if (json === undefined) {
      const text = wellFormedJson(JSON.stringify({
        name: tool.name,
        description: tool.description,
        input_schema: tool.inputSchema,
      }));
      json = { plain: utf8.encode(text), last: utf8.encode(marked(text)) };
      this.#tools.set(tool, json);
    }
    return json;
  }

  #convert(message: SentMessage): Converted {
    let converted = this.#messages.get(message);
    if (converted === undefined) {
      const blocks = blockTexts(message, this.#origin);
      converted = blocks.length === 0 ? NOTHING : {
        role: message.role === "assistant" ? "assistant" : "user",
        bytes: utf8.encode(wellFormedJson(blocks.length === 1 ? blocks[0] : blocks.join(","))),
      };
      this.#messages.set(message, converted);
    }
    return converted;
  }

  /**
   * Merges neighbours of one role; marks the last message and the user turn before it. Groups
   * before that user turn never change again in an append-only conversation, so their chunks are
   * kept and reused while the request starts with the same message objects. Pushes the chunks of
   * the conversation (from after the reused ones unless `withStable`) onto `chunks`.
   */
  #conversation(messages: readonly Message[], chunks: Uint8Array[], withStable: boolean): Pass {
    const stable = this.#stable;
    let from = 0;
    const seen = this.#grown(messages);
    if (seen && stable.upto > 0 && stable.upto <= seen.length && messages.length > stable.upto) {
      from = stable.upto;
    } else if (stable.upto > 0 && messages.length > stable.upto) {
      const kept = stable.messages;
      let k = 0;
      // System messages go into the preamble, not here: any one stands for any other.
      while (
        k < stable.upto &&
        (messages[k] === kept[k] || (messages[k].role === "system" && kept[k].role === "system"))
      ) k++;
      if (k === stable.upto) from = k;
    }
    const groups: Group[] = [];
    for (let i = from; i < messages.length; i++) {
      const message = messages[i];
      if (message.role === "system") continue;
      const converted = this.#convert(message);
      if (converted === NOTHING) continue;
      const last = groups[groups.length - 1];
      if (last?.role === converted.role) last.items.push(converted);
      else groups.push({ role: converted.role, items: [converted], start: i });
    }
    const end = groups.length - 1;
    let previousUser = -1;
    for (let i = end - 1; i >= 0 && previousUser < 0; i--) {
      if (groups[i].role === "user") previousUser = i;
    }
    // The kept groups end just before a user turn that is not the last one; anything else means
    // the conversation was not simply appended to.
    if (from > 0 && (previousUser < 0 || groups[0].role === stable.role)) {
      this.#stable = noStable();
      return this.#conversation(messages, chunks, withStable);
    }
    const reused = from > 0
      ? { stable, count: stable.chunks.length, bytes: stable.bytes }
      : undefined;
    if (reused && withStable) { for (const chunk of stable.chunks) chunks.push(chunk); }
    const base = from > 0 ? stable.groups : 0;
    const first = chunks.length;
    let boundary = first;
    for (let g = 0; g <= end; g++) {
      const { role, items } = groups[g];
      if (g === previousUser) boundary = chunks.length;
      chunks.push(base + g > 0 ? NEXT[role] : OPEN[role]);
      for (let k = 0; k < items.length; k++) {
        if (k > 0) chunks.push(COMMA);
        if (k === items.length - 1 && (g === end || g === previousUser)) {
          chunks.push(headOf(items[k]), BREAKPOINT_BYTES);
        } else chunks.push(items[k].bytes);
      }
      chunks.push(CLOSE);
    }
    if (previousUser > 0 || (previousUser === 0 && from === 0)) {
      // Grown in place when reused: the request's leading messages are the same objects.
      const next = reused ? stable : noStable();
      const upto = groups[previousUser].start;
      for (let i = next.upto; i < upto; i++) next.messages.push(messages[i]);
      next.upto = upto;
      for (let i = first; i < boundary; i++) {
        next.chunks.push(chunks[i]);
        next.bytes += chunks[i].length;
      }
      next.groups = base + previousUser;
      next.role = previousUser > 0 ? groups[previousUser - 1].role : undefined;
      this.#stable = next;
      return { reused, after: next };
    }
    return { reused, after: reused?.stable };
  }
}

function cached(slot: Cached, text: string): Uint8Array {
  if (slot.text !== text) {
    slot.text = text;
    slot.bytes = utf8.encode(text);
  }
  return slot.bytes;
}

/**
 * A message's bytes but the final `}` (its last block's): followed by BREAKPOINT_BYTES, the
 * message with a cache breakpoint on its last block, as `marked` does to the text. A view, kept.
 */
function headOf(converted: Converted): Uint8Array {
  return converted.head ??= converted.bytes.subarray(0, converted.bytes.length - 1);
}
