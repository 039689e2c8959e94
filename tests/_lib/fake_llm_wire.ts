// Scripted replies rendered as Anthropic and OpenAI SSE frames, as the real services send them.
import type { FakeMessage } from "./fake_llm_script.ts";

/** Token counts the fake reports for one request. */
export interface ServedUsage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/** Splits `text` into at most `n` non-empty pieces. */
export function split(text: string, n: number): string[] {
  const chars = [...text];
  const size = Math.max(1, Math.ceil(chars.length / Math.max(1, n)));
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(""));
  return out;
}

function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The Anthropic `POST /v1/messages` stream for a reply. */
export function anthropicFrames(
  msg: FakeMessage,
  model: string,
  usage: ServedUsage,
  seq: number,
): string[] {
  const chunks = msg.chunks ?? 3;
  const frames = [
    sse("message_start", {
      type: "message_start",
      message: {
        id: `msg_fake${seq}`,
        type: "message",
        role: "assistant",
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: usage.input,
          cache_creation_input_tokens: usage.cacheWrite,
          cache_read_input_tokens: usage.cacheRead,
          output_tokens: 1,
        },
      },
    }),
    sse("ping", { type: "ping" }),
  ];
  let index = 0;
  if (msg.text) {
    frames.push(sse("content_block_start", {
      type: "content_block_start",
      index,
      content_block: { type: "text", text: "" },
    }));
    for (const piece of split(msg.text, chunks)) {
      frames.push(sse("content_block_delta", {
        type: "content_block_delta",
        index,
        delta: { type: "text_delta", text: piece },
      }));
    }
    frames.push(sse("content_block_stop", { type: "content_block_stop", index }));
    index++;
  }
  for (const [n, call] of (msg.toolCalls ?? []).entries()) {
    frames.push(sse("content_block_start", {
      type: "content_block_start",
      index,
      content_block: {
        type: "tool_use",
        id: call.id ?? `toolu_fake${seq}_${n}`,
        name: call.name,
        input: {},
      },
    }));
    for (const piece of ["", ...split(JSON.stringify(call.input), chunks)]) {
      frames.push(sse("content_block_delta", {
        type: "content_block_delta",
        index,
        delta: { type: "input_json_delta", partial_json: piece },
      }));
    }
    frames.push(sse("content_block_stop", { type: "content_block_stop", index }));
    index++;
  }
  const stop = msg.stop ?? (msg.toolCalls?.length ? "tool_use" : "end_turn");
  frames.push(
    sse("message_delta", {
      type: "message_delta",
      delta: { stop_reason: stop, stop_sequence: null },
      usage: { output_tokens: usage.output },
    }),
    sse("message_stop", { type: "message_stop" }),
  );
  return frames;
}

/** Anthropic's error event inside a 200 stream. */
export function anthropicErrorFrame(type: string, message: string): string {
  return sse("error", { type: "error", error: { type, message } });
}

/** Anthropic's JSON error body. */
export function anthropicErrorBody(type: string, message: string): string {
  return JSON.stringify({ type: "error", error: { type, message }, request_id: "req_fake" });
}

/** The OpenAI `POST /v1/chat/completions` stream for a reply (usage chunk included when asked). */
export function openaiFrames(
  msg: FakeMessage,
  model: string,
  usage: ServedUsage,
  seq: number,
  includeUsage: boolean,
): string[] {
  const chunks = msg.chunks ?? 3;
  const base = {
    id: `chatcmpl-fake${seq}`,
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model,
    system_fingerprint: "fp_fake",
  };
  const extra = includeUsage ? { usage: null } : {};
  const chunk = (delta: unknown, finish: string | null = null) =>
    `data: ${
      JSON.stringify({
        ...base,
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
        ...extra,
      })
    }\n\n`;
  const frames = [chunk({ role: "assistant", content: "", refusal: null })];
  for (const piece of split(msg.text ?? "", chunks)) frames.push(chunk({ content: piece }));
  for (const [n, call] of (msg.toolCalls ?? []).entries()) {
    frames.push(chunk({
      tool_calls: [{
        index: n,
        id: call.id ?? `call_fake${seq}_${n}`,
        type: "function",
        function: { name: call.name, arguments: "" },
      }],
    }));
    for (const piece of split(JSON.stringify(call.input), chunks)) {
      frames.push(chunk({ tool_calls: [{ index: n, function: { arguments: piece } }] }));
    }
  }
  const finish = msg.stop === "max_tokens"
    ? "length"
    : msg.stop === "refusal"
    ? "content_filter"
    : msg.toolCalls?.length
    ? "tool_calls"
    : "stop";
  frames.push(chunk({}, finish));
  if (includeUsage) {
    const prompt = usage.input + usage.cacheRead;
    frames.push(`data: ${
      JSON.stringify({
        ...base,
        choices: [],
        usage: {
          prompt_tokens: prompt,
          completion_tokens: usage.output,
          total_tokens: prompt + usage.output,
          prompt_tokens_details: { cached_tokens: usage.cacheRead, audio_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
        },
      })
    }\n\n`);
  }
  frames.push("data: [DONE]\n\n");
  return frames;
}

/** OpenAI's error object inside a 200 stream. */
export function openaiErrorFrame(type: string, message: string): string {
  return `data: ${JSON.stringify({ error: { message, type, param: null, code: null } })}\n\n`;
}

/** OpenAI's JSON error body. */
export function openaiErrorBody(type: string, message: string): string {
  return JSON.stringify({ error: { message, type, param: null, code: null } });
}
