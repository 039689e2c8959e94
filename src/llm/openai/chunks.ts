// OpenAI chat completion chunks → normalised parts. Pure: state lives in the converter object.
import type { FinishReason, StreamPart, Usage } from "../../core/mod.ts";
import type { Converter } from "../retry.ts";
import { endToolCall } from "../tool_args.ts";

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
      content?: string | null;
      tool_calls?: {
        index?: number;
        id?: string | null;
        function?: { name?: string | null; arguments?: string | null };
      }[] | null;
    };
    finish_reason?: string | null;
  }[];
  usage?: ChunkUsage | null;
  /** Groq reports usage here on the last chunk. */
  x_groq?: { usage?: ChunkUsage | null } | null;
}

const REASONS: Record<string, FinishReason> = {
  stop: "stop",
  tool_calls: "tool_calls",
  function_call: "tool_calls",
  length: "length",
  content_filter: "content_filter",
};

/** A converter for one chat completion stream. */
export function createOpenAIConverter(): Converter<OpenAIChunk> {
  const calls = new Map<number, { id: string; name: string; args: string }>();
  let usage: Usage | undefined;
  let finish: string | undefined;

  function closeCalls(): StreamPart[] {
    const parts = [...calls.entries()].sort(([a], [b]) => a - b)
      .map(([, c]) => endToolCall(c.id, c.name, c.args));
    calls.clear();
    return parts;
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
      if (delta?.content) parts.push({ type: "text-delta", text: delta.content });
      for (const [position, call] of (delta?.tool_calls ?? []).entries()) {
        // Some compatible servers omit `index`; then each entry is its own call.
        const index = call.index ?? calls.size + position;
        let open = calls.get(index);
        if (!open) {
          open = { id: call.id || `call_${index}`, name: call.function?.name ?? "", args: "" };
          calls.set(index, open);
          parts.push({ type: "tool-call-start", id: open.id, name: open.name });
        }
        const args = call.function?.arguments;
        if (args) {
          open.args += args;
          parts.push({ type: "tool-call-delta", id: open.id, argsDelta: args });
        }
      }
      if (choice.finish_reason) {
        finish = choice.finish_reason;
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
