// The provider-neutral shapes the agent speaks: messages, tool definitions, stream parts, models.
import type { LoomError } from "./errors.ts";

/** Plain text inside a message. */
export interface TextPart {
  type: "text";
  text: string;
}

/** An image the user attached, base64-encoded. Only sent to models whose capabilities allow it. */
export interface ImagePart {
  type: "image";
  mediaType: string;
  data: string;
}

/** A tool call the assistant made. `input` is the parsed JSON arguments. */
export interface ToolUsePart {
  type: "tool_use";
  id: string;
  name: string;
  input: Record<string, unknown>;
  /**
   * Fields the provider attached to the call that must go back with it, as they came (Gemini's
   * thought signature, in `extra_content`); opaque outside the provider's adapter.
   */
  providerFields?: Record<string, unknown>;
}

/** The answer to one tool call, matched by `toolUseId`. */
export interface ToolResultPart {
  type: "tool_result";
  toolUseId: string;
  content: string;
  isError?: boolean;
}

/**
 * One turn of a conversation. System messages are hoisted to the front by providers that keep
 * the system prompt apart (Anthropic); tool results travel in their own `tool` message.
 */
export type Message =
  | { role: "system"; content: string }
  | { role: "user"; content: string | (TextPart | ImagePart)[] }
  | { role: "assistant"; content: string | (TextPart | ToolUsePart)[] }
  | { role: "tool"; content: ToolResultPart[] };

/** A tool as the model sees it: a name, its description and a JSON schema for the input. */
export interface ToolDefinition {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

/**
 * Tokens of one model call. `input` counts only the uncached input; the whole prompt is
 * `input + cacheRead + cacheWrite` (each billed at its own price).
 */
export interface Usage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/** Why the model stopped. */
export type FinishReason = "stop" | "tool_calls" | "length" | "content_filter" | "other";

/**
 * One piece of a normalised model stream. A stream ends with `finish` (after `usage`) or with
 * `error`; `retry` says a failed attempt is being retried before any output was streamed.
 */
export type StreamPart =
  | { type: "text-delta"; text: string }
  | { type: "tool-call-start"; id: string; name: string }
  | { type: "tool-call-delta"; id: string; argsDelta: string }
  | {
    type: "tool-call-end";
    id: string;
    name: string;
    /** The parsed arguments, or undefined when `argsText` is not a JSON object. */
    input: Record<string, unknown> | undefined;
    argsText: string;
    /** See ToolUsePart.providerFields. */
    providerFields?: Record<string, unknown>;
  }
  | { type: "usage"; usage: Usage }
  | { type: "finish"; reason: FinishReason; raw?: string }
  | {
    type: "retry";
    /** The attempt that failed, from 1. */
    attempt: number;
    /** How many attempts this fault allows in all (the first one included). */
    maxAttempts?: number;
    delayMs: number;
    reason: string;
  }
  | { type: "error"; error: LoomError };

/** What one call asks of the model. */
export interface ModelRequest {
  messages: Message[];
  tools?: ToolDefinition[];
  /** Cap on output tokens; defaults to the smaller of the model's maximum and 8192. */
  maxTokens?: number;
  temperature?: number;
}

/** Prices in US dollars per million tokens. */
export interface ModelPrices {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/** What the catalog (and config overrides) know about a model. */
export interface ModelInfo {
  /** `provider:model`, as the user wrote it. */
  id: string;
  provider: string;
  model: string;
  contextWindow: number;
  maxOutput: number;
  prices: ModelPrices;
  tools: boolean;
  /**
   * The model reasons before it answers, and its reasoning counts against the output limit
   * (OpenAI's gpt-5 and o-series, DeepSeek's reasoner, Gemini 2.5, Grok 4). Absent: it does not.
   */
  reasoning?: boolean;
  /** False when neither the catalog nor the config knows the model (conservative defaults). */
  known: boolean;
}

/** What the agent may rely on; provider quirks stay behind this. */
export interface ModelCapabilities {
  tools: boolean;
  images: boolean;
  promptCaching: boolean;
}

/**
 * The key of an optional method on a model's part stream: `stream[pushParts](each)` hands every
 * part to `each` as it arrives and resolves once the stream is over, with no promise per part as
 * iterating costs (its value means nothing). If `each` throws, the call is cancelled and the promise
 * rejects with it.
 */
export const pushParts: unique symbol = Symbol("loom.pushParts");

/** A part stream that can also push its parts (see `pushParts`). */
export interface PushableParts extends AsyncIterable<StreamPart> {
  [pushParts](each: (part: StreamPart) => void): Promise<unknown>;
}

/** A chat model behind one provider, streaming normalised parts. */
export interface LanguageModel {
  readonly info: ModelInfo;
  readonly capabilities: ModelCapabilities;
  /** Streams one call; failures arrive as a final `error` part, never as a throw. */
  stream(request: ModelRequest, options?: { signal?: AbortSignal }): AsyncIterable<StreamPart>;
  /**
   * A copy of this model whose provider answers from a script on this machine: the same adapter
   * code runs for each call, with no network, key or cost (see agent/warm_up.ts).
   */
  rehearsal?(): LanguageModel;
}
