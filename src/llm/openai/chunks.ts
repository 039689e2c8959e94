// OpenAI chat completion chunks → normalised parts. Pure: state lives in the converter object.
import type { FinishReason, StreamPart, Usage } from "../../core/mod.ts";
import type { Converter } from "../retry.ts";
import { endToolCall } from "../tool_args.ts";
import { ThinkTags } from "./think_tags.ts";

interface ChunkUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number | null } | null;
  /** DeepSeek's name for cache hits. */
  prompt_cache_hit_tokens?: number;
}

/** The subset of a chat completion chunk the converter reads. */
export interface OpenAIChunk {
  choices?: {
    delta?: {
      /**
       * Text. Mistral's Magistral sends a list of chunks instead: `{ type: "thinking", thinking:
       * [...] }`, which is left out, and `{ type: "text", text }`, which is the text.
       */
      content?: string | { type?: string; text?: unknown }[] | null;
      /** DeepSeek's (and older vLLM's) reasoning text. */
      reasoning_content?: string | null;
      /** The same under the name vLLM (since it dropped reasoning_content), Ollama and Groq use. */
      reasoning?: string | null;
      /**
       * OpenRouter's reasoning, in pieces: `reasoning.text` and `reasoning.summary` streamed by
       * `index`, `reasoning.encrypted` whole (Gemini's thought signatures travel in these).
       */
      reasoning_details?: unknown[] | null;
      tool_calls?: {
        index?: number | null;
        id?: string | null;
        function?: { name?: string | null; arguments?: string | null };
        /** Gemini's thought signature (`{ google: { thought_signature } }`), to send back. */
        extra_content?: unknown;
      }[] | null;
    };
    finish_reason?: string | null;
  }[];
  usage?: ChunkUsage | null;
  /** Groq reports usage here on the last chunk. */
  x_groq?: { usage?: ChunkUsage | null } | null;
}

/**
 * Adds one streamed piece of OpenRouter's reasoning details: a piece of text or summary goes on
 * the entry of its type at its `index` (later fields, such as the signature that comes last,
 * are added to it); anything else, encrypted data above all, is kept whole, as it came.
 */
function addDetail(details: Record<string, unknown>[], piece: unknown): void {
  if (piece === null || typeof piece !== "object" || Array.isArray(piece)) return;
  const detail = piece as Record<string, unknown>;
  const key = detail.type === "reasoning.text"
    ? "text"
    : detail.type === "reasoning.summary"
    ? "summary"
    : undefined;
  const entry = key !== undefined && typeof detail.index === "number"
    ? details.findLast((d) => d.type === detail.type && d.index === detail.index)
    : undefined;
  if (entry === undefined) {
    details.push({ ...detail });
    return;
  }
  for (const [name, value] of Object.entries(detail)) {
    if (name === key && typeof value === "string") {
      entry[name] = (typeof entry[name] === "string" ? entry[name] : "") + value;
    } else if (value !== null && value !== undefined) entry[name] = value;
  }
}

const REASONS: Record<string, FinishReason> = {
  stop: "stop",
  tool_calls: "tool_calls",
  function_call: "tool_calls",
  length: "length",
  content_filter: "content_filter",
};

/** A tool call being streamed: the id the server gave it, if any. */
interface OpenCall {
  id: string;
  serverId: string | undefined;
  name: string;
  args: string;
  /** Fields to send back with the call (see ToolUsePart.providerFields). */
  fields?: Record<string, unknown>;
}

/**
 * A converter for one chat completion stream. Deltas of tool calls are matched to calls by
 * `index`, and by the server's id where that says more: Ollama numbers every call of a reply 0,
 * so a new id at an index already taken opens a new call; vLLM repeats the id in every delta.
 */
export function createOpenAIConverter(): Converter<OpenAIChunk> {
  const calls: OpenCall[] = [];
  /** The latest call opened at each index, and the call of each server id. */
  const byIndex = new Map<number, OpenCall>();
  const byId = new Map<string, OpenCall>();
  let usage: Usage | undefined;
  let finish: string | undefined;
  /** The reply's reasoning, kept with its first call for servers that want it back. */
  let reasoning = "";
  /** OpenRouter's reasoning details, put together (see addDetail); kept the same way. */
  const details: Record<string, unknown>[] = [];
  /** A leading `<think>` block in the text is reasoning too. */
  const tags = new ThinkTags();

  function shown(text: string, parts: StreamPart[]): void {
    const visible = tags.push(text);
    if (visible) parts.push({ type: "text-delta", text: visible });
    if (tags.reasoning) {
      reasoning += tags.reasoning;
      tags.reasoning = "";
    }
  }

  function closeCalls(): StreamPart[] {
    if (calls.length > 0 && (reasoning !== "" || details.length > 0)) {
      calls[0].fields = {
        ...calls[0].fields,
        ...(reasoning !== "" ? { reasoning_content: reasoning } : {}),
        ...(details.length > 0 ? { reasoning_details: details.splice(0) } : {}),
      };
    }
    const parts = calls.map((c) => {
      const part = endToolCall(c.id, c.name, c.args);
      return c.fields ? { ...part, providerFields: c.fields } : part;
    });
    calls.length = 0;
    byIndex.clear();
    byId.clear();
    return parts;
  }

  /** The call a delta belongs to, or undefined when it opens one. */
  function callOf(
    index: number | undefined,
    serverId: string | undefined,
    named: boolean,
  ): OpenCall | undefined {
    if (index !== undefined) {
      // The index says which call, unless it is taken by a call with another id: Ollama numbers
      // every call of a reply 0. A free index opens a call even when its id was seen (a server
      // that names calls after their function sends one id for two calls).
      const at = byIndex.get(index);
      const same = at !== undefined &&
        (serverId === undefined || at.serverId === undefined || at.serverId === serverId);
      return same ? at : undefined;
    }
    // Some compatible servers omit `index`: a known id goes on with its call; a delta that names a
    // function (Gemini sends each call whole, named, without an id) or brings a new id opens a
    // call; one with arguments only goes on with the last call opened.
    if (serverId !== undefined) return byId.get(serverId);
    return named ? undefined : calls.at(-1);
  }

  return {
    push(chunk) {
      const parts: StreamPart[] = [];
      const u = chunk.usage ?? chunk.x_groq?.usage;
      if (u) {
        const cached = u.prompt_tokens_details?.cached_tokens ?? u.prompt_cache_hit_tokens ?? 0;
        usage = {
          input: Math.max(0, (u.prompt_tokens ?? 0) - cached),
          output: u.completion_tokens ?? 0,
          cacheRead: cached,
          cacheWrite: 0,
        };
      }
      const choice = chunk.choices?.[0];
      if (!choice) return parts;
      const delta = choice.delta;
      const content = delta?.content;
      if (typeof content === "string") {
        if (content) shown(content, parts);
      } else if (Array.isArray(content)) {
        for (const chunk of content) {
          if (chunk?.type === "text" && typeof chunk.text === "string" && chunk.text) {
            shown(chunk.text, parts);
          }
        }
      }
      // One of the two names; OpenRouter's `reasoning` repeats its reasoning_details' text.
      const thought = delta?.reasoning_content ||
        (delta?.reasoning_details ? undefined : delta?.reasoning);
      if (typeof thought === "string") reasoning += thought;
      if (Array.isArray(delta?.reasoning_details)) {
        for (const detail of delta.reasoning_details) addDetail(details, detail);
      }
      for (const call of delta?.tool_calls ?? []) {
        const serverId = call.id || undefined;
        const index = call.index ?? undefined;
        let open = callOf(index, serverId, Boolean(call.function?.name));
        if (!open) {
          const id = serverId ?? `call_${calls.length}`;
          open = { id, serverId, name: call.function?.name ?? "", args: "" };
          calls.push(open);
          if (index !== undefined) byIndex.set(index, open);
          if (serverId !== undefined) byId.set(serverId, open);
          parts.push({ type: "tool-call-start", id: open.id, name: open.name });
        }
        if (call.extra_content != null) open.fields = { extra_content: call.extra_content };
        // Arguments are a JSON string; a few servers send the object itself.
        const raw = call.function?.arguments as unknown;
        const args = raw !== null && typeof raw === "object" ? JSON.stringify(raw) : raw as string;
        if (args) {
          open.args += args;
          parts.push({ type: "tool-call-delta", id: open.id, argsDelta: args });
        }
      }
      if (choice.finish_reason) {
        finish = choice.finish_reason;
        const held = tags.end();
        if (held) parts.push({ type: "text-delta", text: held });
        reasoning += tags.reasoning;
        tags.reasoning = "";
        parts.push(...closeCalls());
      }
      return parts;
    },
    end() {
      if (finish === undefined) return undefined;
      const reason = REASONS[finish] ?? "other";
      return [
        // Servers that ignore include_usage report nothing: zeros, not a missing part.
        { type: "usage", usage: usage ?? { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 } },
        { type: "finish", reason, raw: finish },
      ];
    },
  };
}
