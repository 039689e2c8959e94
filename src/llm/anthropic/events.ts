// Anthropic stream events → normalised parts. Pure: state lives in the converter object.
import type { FinishReason, StreamPart, Usage } from "../../core/mod.ts";
import type { Converter } from "../retry.ts";
import { endToolCall } from "../tool_args.ts";

/** The subset of Anthropic's raw stream events the converter reads. */
export interface AnthropicEvent {
  type: string;
  index?: number;
  message?: { usage?: AnthropicUsage };
  content_block?: {
    type: string;
    id?: string;
    name?: string;
    text?: string;
    input?: unknown;
    thinking?: string;
    signature?: string;
    data?: string;
  };
  delta?: {
    type?: string;
    text?: string;
    partial_json?: string;
    thinking?: string;
    signature?: string;
    stop_reason?: string | null;
  };
  usage?: AnthropicUsage;
}

interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}

/** A thinking block as the Messages API sends it and takes it back. */
export type ThinkingBlock =
  | { type: "thinking"; thinking: string; signature?: string }
  | { type: "redacted_thinking"; data: string };

/** What a tool call keeps of the thinking before it (in ToolUsePart.providerFields). */
export interface ThinkingFields {
  thinking: ThinkingBlock[];
  /** The base URL of the server that sent them; they go back to it alone. */
  thinking_origin?: string;
}

const REASONS: Record<string, FinishReason> = {
  end_turn: "stop",
  stop_sequence: "stop",
  tool_use: "tool_calls",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  refusal: "content_filter",
};

/** What most events make: no part (shared, never changed). */
const NONE: readonly StreamPart[] = [];

/**
 * A converter for one Anthropic message stream from the server at `origin` (its base URL). The
 * thinking blocks before each tool call are kept with the call, as they came, with their origin
 * (see ThinkingFields): a compatible server in thinking mode (DeepSeek's and Kimi's Anthropic
 * endpoints) refuses the next request without them, and only that server may get them back.
 */
export function createAnthropicConverter(
  origin?: string,
): Converter<AnthropicEvent> & { seen(): number } {
  /** Events seen: none at all, on a stream that ended, is a server the SDK could not read. */
  let events = 0;
  const tools = new Map<number, { id: string; name: string; args: string; whole: string }>();
  /**
   * Thinking blocks being streamed, by index (made at the first: most replies have none), and
   * those ended since the last call ended.
   */
  let thinking: Map<number, ThinkingBlock> | undefined;
  let thought: ThinkingBlock[] = [];
  const usage: Usage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
  let stopReason: string | null | undefined;
  let stopped = false;

  function addUsage(u: AnthropicUsage | undefined): void {
    if (!u) return;
    // message_delta repeats the counts cumulatively, so take the latest value, not a sum.
    if (u.input_tokens != null) usage.input = u.input_tokens;
    if (u.output_tokens != null) usage.output = u.output_tokens;
    if (u.cache_read_input_tokens != null) usage.cacheRead = u.cache_read_input_tokens;
    if (u.cache_creation_input_tokens != null) usage.cacheWrite = u.cache_creation_input_tokens;
  }

  /** A call's end with the thinking that came before it. */
  function withThinking(part: StreamPart): StreamPart {
    if (thought.length === 0 || part.type !== "tool-call-end") return part;
    const fields: ThinkingFields = {
      thinking: thought,
      ...(origin !== undefined ? { thinking_origin: origin } : {}),
    };
    thought = [];
    return { ...part, providerFields: fields as unknown as Record<string, unknown> };
  }

  return {
    /** The events pushed so far (a method, not a getter: an accessor slows every call's lookups). */
    seen: () => events,
    push(event) {
      events++;
      const index = event.index ?? 0;
      switch (event.type) {
        case "message_start":
          addUsage(event.message?.usage);
          return NONE;
        case "content_block_start": {
          const block = event.content_block;
          if (block?.type === "thinking") {
            (thinking ??= new Map()).set(index, {
              type: "thinking",
              thinking: typeof block.thinking === "string" ? block.thinking : "",
              ...(typeof block.signature === "string" ? { signature: block.signature } : {}),
            });
            return NONE;
          }
          if (block?.type === "redacted_thinking") {
            (thinking ??= new Map()).set(index, {
              type: "redacted_thinking",
              data: String(block.data ?? ""),
            });
            return NONE;
          }
          if (block?.type === "tool_use") {
            // Anthropic streams the input in deltas after an empty `{}`; a compatible server may
            // send it whole here instead, and no deltas.
            const whole = block.input !== null && typeof block.input === "object" &&
                Object.keys(block.input).length > 0
              ? JSON.stringify(block.input)
              : "";
            const call = {
              id: block.id ?? `toolu_${index}`,
              name: block.name ?? "",
              args: "",
              whole,
            };
            tools.set(index, call);
            return [{ type: "tool-call-start", id: call.id, name: call.name }];
          }
          if (block?.type === "text" && block.text) {
            return [{ type: "text-delta", text: block.text }];
          }
          return NONE;
        }
        case "content_block_delta": {
          const delta = event.delta;
          if (delta?.type === "text_delta" && delta.text) {
            return [{ type: "text-delta", text: delta.text }];
          }
          const block = thinking?.get(index);
          if (block?.type === "thinking") {
            if (delta?.type === "thinking_delta" && typeof delta.thinking === "string") {
              block.thinking += delta.thinking;
            }
            if (delta?.type === "signature_delta" && typeof delta.signature === "string") {
              block.signature = (block.signature ?? "") + delta.signature;
            }
            return NONE;
          }
          const call = tools.get(index);
          if (delta?.type === "input_json_delta" && call && delta.partial_json) {
            call.args += delta.partial_json;
            return [{ type: "tool-call-delta", id: call.id, argsDelta: delta.partial_json }];
          }
          return NONE;
        }
        case "content_block_stop": {
          const block = thinking?.get(index);
          if (block) {
            thinking!.delete(index);
            thought.push(block);
            return NONE;
          }
          const call = tools.get(index);
          if (!call) return NONE;
          tools.delete(index);
          return [
            withThinking(
              endToolCall(call.id, call.name, call.args === "" ? call.whole : call.args),
            ),
          ];
        }
        case "message_delta":
          if (event.delta?.stop_reason !== undefined) stopReason = event.delta.stop_reason;
          addUsage(event.usage);
          return NONE;
        case "message_stop":
          stopped = true;
          return NONE;
        default:
          return NONE;
      }
    },
    end() {
      if (!stopped) return undefined;
      const reason = REASONS[stopReason ?? ""] ?? "other";
      // A call whose block was never closed (a compatible server cut at max_tokens) still ends:
      // its arguments as far as they came, so the model hears what happened to it.
      const open = [...tools.values()].map((c) =>
        withThinking(endToolCall(c.id, c.name, c.args === "" ? c.whole : c.args))
      );
      tools.clear();
      return [
        ...open,
        { type: "usage", usage: { ...usage } },
        { type: "finish", reason, raw: stopReason ?? undefined },
      ];
    },
  };
}
