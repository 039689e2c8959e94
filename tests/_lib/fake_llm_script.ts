// What a fake LLM reply can be, and helpers to script one per test.

/** One tool call the fake model makes. Its arguments are streamed in `chunks` pieces. */
export interface FakeToolCall {
  name: string;
  input: Record<string, unknown>;
  id?: string;
}

/** A well-formed assistant turn. */
export interface FakeMessage {
  kind: "message";
  text?: string;
  toolCalls?: FakeToolCall[];
  /** Pieces the text and each tool's arguments are split into (default 3). */
  chunks?: number;
  stop?: "end_turn" | "tool_use" | "max_tokens" | "refusal";
  outputTokens?: number;
  /** A slow provider: this long between one event and the next. */
  gapMs?: number;
}

/** Every scripted reply: a turn, or one of the faults providers really produce. */
export type FakeReply =
  | FakeMessage
  | {
    kind: "http-error";
    status: number;
    type: string;
    message: string;
    headers?: Record<string, string>;
  }
  | { kind: "raw-error"; status: number; body: string }
  | { kind: "hang" }
  | { kind: "stream-error"; type: string; message: string; after: number }
  | { kind: "cut"; reply: FakeMessage; after: number; mode: "close" | "reset" | "stall" }
  | { kind: "malformed"; after: number }
  | { kind: "stall" }
  | { kind: "raw"; body: string };

/** Builders for scripted replies. */
export const reply = {
  /** A plain text answer. */
  text: (
    text: string,
    options: { chunks?: number; outputTokens?: number; gapMs?: number } = {},
  ): FakeMessage => ({
    kind: "message",
    text,
    ...options,
  }),
  /** One tool call, optionally after some text. */
  toolCall: (
    name: string,
    input: Record<string, unknown>,
    options: { id?: string; text?: string; chunks?: number } = {},
  ): FakeMessage => ({
    kind: "message",
    text: options.text,
    toolCalls: [{ name, input, id: options.id }],
    chunks: options.chunks,
  }),
  /** Several tool calls in one turn. */
  toolCalls: (
    calls: FakeToolCall[],
    options: { text?: string; chunks?: number } = {},
  ): FakeMessage => ({
    kind: "message",
    toolCalls: calls,
    ...options,
  }),
  /** HTTP 429 with `retry-after` in seconds. */
  rateLimited: (retryAfterSeconds?: number): FakeReply => ({
    kind: "http-error",
    status: 429,
    type: "rate_limit_error",
    message: "Number of request tokens has exceeded your per-minute rate limit",
    headers: retryAfterSeconds === undefined ? {} : { "retry-after": String(retryAfterSeconds) },
  }),
  /** HTTP 529, Anthropic's overloaded status. */
  overloaded: (): FakeReply => ({
    kind: "http-error",
    status: 529,
    type: "overloaded_error",
    message: "Overloaded",
  }),
  /** HTTP 200, then an `error` event (overloaded) after `after` events. */
  overloadedAfter200: (after = 1): FakeReply => ({
    kind: "stream-error",
    type: "overloaded_error",
    message: "Overloaded",
    after,
  }),
  /** Any HTTP error status (500, 503, 400, 401, 404...). */
  httpError: (status: number, message = "fake error", type?: string): FakeReply => ({
    kind: "http-error",
    status,
    type: type ??
      (status === 400
        ? "invalid_request_error"
        : status === 401
        ? "authentication_error"
        : status === 404
        ? "not_found_error"
        : "api_error"),
    message,
  }),
  /**
   * The reply's stream stops after `after` events: closed cleanly, the connection reset, or kept
   * open in silence until the client gives up.
   */
  cut: (
    inner: FakeMessage,
    after: number,
    mode: "close" | "reset" | "stall" = "close",
  ): FakeReply => ({
    kind: "cut",
    reply: inner,
    after,
    mode,
  }),
  /** A stream whose event after `after` good ones is not JSON. */
  malformed: (after = 1): FakeReply => ({ kind: "malformed", after }),
  /** No answer at all, not even headers, until the client gives up. */
  hang: (): FakeReply => ({ kind: "hang" }),
  /** Headers, then silence until the client gives up. */
  stall: (): FakeReply => ({ kind: "stall" }),
  /** An HTTP error with a body of the server's own shape (Gemini's is an array), sent as is. */
  rawError: (status: number, body: string): FakeReply => ({ kind: "raw-error", status, body }),
  /** A recorded SSE body sent as is (see fixtures/llm/). */
  raw: (body: string): FakeReply => ({ kind: "raw", body }),
};
