// Anthropic request bodies assembled from bytes kept per message and per tool. A conversation's
// prefix is stable by design (append-only history, same tools, same system prompt), so each
// call serialises only what is new and copies the rest from cache.
import type { Message, ModelInfo, ModelRequest, ToolDefinition } from "../../core/mod.ts";
import { toAnthropicMessages } from "./request.ts";

type Role = "user" | "assistant";
interface Converted {
  role: Role;
  /** One JSON text per content block; empty when the message sends nothing. */
  blocks: string[];
  /** The blocks' JSON joined with commas, as UTF-8. */
  bytes: Uint8Array;
}
interface Cached {
  text: string;
  bytes: Uint8Array;
}

const utf8 = new TextEncoder();
const BREAKPOINT = ',"cache_control":{"type":"ephemeral"}}';
const COMMA = utf8.encode(",");
const CLOSE = utf8.encode("]}");
const TOOLS_OPEN = utf8.encode(`,"tools":[`);
const TOOLS_CLOSE = utf8.encode("]");
const MESSAGES_OPEN = utf8.encode(`,"messages":[`);
const OPEN: Record<Role, Uint8Array> = {
  user: utf8.encode('{"role":"user","content":['),
  assistant: utf8.encode('{"role":"assistant","content":['),
};
const NOTHING: Converted = { role: "user", blocks: [], bytes: new Uint8Array() };

/** Adds an ephemeral cache breakpoint to one block's JSON (it ends with `}`). */
function marked(json: string): string {
  return json.slice(0, -1) + BREAKPOINT;
}

/**
 * Serialises requests to the bytes of `JSON.stringify(toAnthropicRequest(request, info))`, but
 * keeps each message's and tool's JSON (keyed by object identity) so later calls reuse it.
 * Messages and tool definitions must not be changed once sent: Loom's history is append-only.
 */
export class AnthropicEncoder {
  #messages = new WeakMap<Message, Converted>();
  #tools = new WeakMap<ToolDefinition, { plain: Uint8Array; last: Uint8Array }>();
  #head: Cached = { text: "", bytes: new Uint8Array() };
  #system: Cached = { text: "", bytes: new Uint8Array() };

  /** The request body as UTF-8 JSON. */
  encode(request: ModelRequest, info: ModelInfo): Uint8Array {
    const max = request.maxTokens ?? Math.min(info.maxOutput, 8192);
    const chunks: Uint8Array[] = [
      cached(
        this.#head,
        `{"model":${JSON.stringify(info.model)},"max_tokens":${max},"stream":true`,
      ),
    ];
    const system = this.#systemBytes(request.messages);
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
    this.#conversation(request.messages, chunks);
    chunks.push(CLOSE);
    let length = 0;
    for (const chunk of chunks) length += chunk.length;
    const body = new Uint8Array(length);
    let at = 0;
    for (const chunk of chunks) {
      body.set(chunk, at);
      at += chunk.length;
    }
    return body;
  }

  /** The `,"system":[...]` member; its JSON is kept while the prompt's text stays the same. */
  #systemBytes(messages: readonly Message[]): Uint8Array | undefined {
    const texts: string[] = [];
    for (const m of messages) if (m.role === "system" && m.content !== "") texts.push(m.content);
    if (texts.length === 0) return undefined;
    const key = texts.length === 1 ? texts[0] : JSON.stringify(texts);
    if (key !== this.#system.text) {
      const json = texts.map((text, i) => {
        const block = `{"type":"text","text":${JSON.stringify(text)}}`;
        return i === texts.length - 1 ? marked(block) : block;
      });
      this.#system = { text: key, bytes: utf8.encode(`,"system":[${json.join(",")}]`) };
    }
    return this.#system.bytes;
  }

  #tool(tool: ToolDefinition): { plain: Uint8Array; last: Uint8Array } {
    let json = this.#tools.get(tool);
    if (json === undefined) {
      const text = JSON.stringify({
        name: tool.name,
        description: tool.description,
        input_schema: tool.inputSchema,
      });
      json = { plain: utf8.encode(text), last: utf8.encode(marked(text)) };
      this.#tools.set(tool, json);
    }
    return json;
  }

  #convert(message: Message): Converted {
    let converted = this.#messages.get(message);
    if (converted === undefined) {
      const [group] = toAnthropicMessages([message]);
      if (group) {
        const blocks = (group.content as unknown[]).map((b) => JSON.stringify(b));
        converted = { role: group.role as Role, blocks, bytes: utf8.encode(blocks.join(",")) };
      } else converted = NOTHING;
      this.#messages.set(message, converted);
    }
    return converted;
  }

  /** Merges neighbours of one role; marks the last message and the user turn before it. */
  #conversation(messages: readonly Message[], chunks: Uint8Array[]): void {
    const groups: { role: Role; items: Converted[] }[] = [];
    for (const message of messages) {
      if (message.role === "system") continue;
      const converted = this.#convert(message);
      if (converted.blocks.length === 0) continue;
      const last = groups[groups.length - 1];
      if (last?.role === converted.role) last.items.push(converted);
      else groups.push({ role: converted.role, items: [converted] });
    }
    const end = groups.length - 1;
    let previousUser = -1;
    for (let i = end - 1; i >= 0 && previousUser < 0; i--) {
      if (groups[i].role === "user") previousUser = i;
    }
    for (let g = 0; g <= end; g++) {
      const { role, items } = groups[g];
      if (g > 0) chunks.push(COMMA);
      chunks.push(OPEN[role]);
      for (let k = 0; k < items.length; k++) {
        if (k > 0) chunks.push(COMMA);
        const mark = k === items.length - 1 && (g === end || g === previousUser);
        chunks.push(mark ? markedBytes(items[k].blocks) : items[k].bytes);
      }
      chunks.push(CLOSE);
    }
  }
}

function cached(slot: Cached, text: string): Uint8Array {
  if (slot.text !== text) {
    slot.text = text;
    slot.bytes = utf8.encode(text);
  }
  return slot.bytes;
}

function markedBytes(blocks: string[]): Uint8Array {
  const copy = blocks.slice();
  copy[copy.length - 1] = marked(copy[copy.length - 1]);
  return utf8.encode(copy.join(","));
}
