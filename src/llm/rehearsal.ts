// A provider that answers on this machine, for rehearsals: the adapter's own code (its SDK, the
// request encoder, the event converter, retries) runs for each call exactly as it would against
// the provider, but the reply is scripted and nothing leaves the process. Loom rehearses a few
// turns while it waits for the person (see agent/warm_up.ts), so that V8 has compiled what a turn
// runs before the person's first turns.
import type { ProviderApi } from "./providers.ts";

/** One scripted reply: a tool call to `tool`, or (no tool) a short answer. */
interface Reply {
  text: string;
  tool?: string;
  id: number;
  input: number;
}

const utf8 = new TextEncoder();

/**
 * A fetch that answers each model request of `api` at once, streamed in that API's wire format:
 * a call of the request's first tool (with `{}` as input), or, when the request ends with a tool
 * result or offers no tool, a short answer. Usage is reported as the provider would, with the
 * request's size in bytes as its input tokens.
 */
export function rehearsalFetch(api: ProviderApi): typeof fetch {
  let calls = 0;
  return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const body = await request.text();
    const parsed = JSON.parse(body) as {
      tools?: { name?: string; function?: { name?: string } }[];
      messages?: { role?: string; content?: unknown }[];
    };
    const first = parsed.tools?.[0];
    const last = parsed.messages?.at(-1);
    const answered = last?.role === "tool" ||
      (Array.isArray(last?.content) &&
        last.content.some((block) => (block as { type?: string }).type === "tool_result"));
    const reply: Reply = {
      text: answered ? "Rehearsed: the result is in." : "Rehearsing a tool call.",
      tool: answered ? undefined : first?.name ?? first?.function?.name,
      id: ++calls,
      input: body.length,
    };
    const frames = api === "anthropic" ? anthropicFrames(reply) : openAIFrames(reply);
    return new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (const frame of frames) controller.enqueue(utf8.encode(frame));
          controller.close();
        },
      }),
      { status: 200, headers: { "content-type": "text/event-stream" } },
    );
  };
}

function anthropicFrames(reply: Reply): string[] {
  const frame = (data: { type: string; [key: string]: unknown }) =>
    `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;
  const frames = [
    frame({
      type: "message_start",
      message: {
        id: `msg_rehearsal_${reply.id}`,
        type: "message",
        role: "assistant",
        model: "rehearsal",
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: reply.input,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
          output_tokens: 1,
        },
      },
    }),
    frame({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }),
  ];
  for (const piece of halves(reply.text)) {
    frames.push(
      frame({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: piece } }),
    );
  }
  frames.push(frame({ type: "content_block_stop", index: 0 }));
  if (reply.tool !== undefined) {
    frames.push(
      frame({
        type: "content_block_start",
        index: 1,
        content_block: {
          type: "tool_use",
          id: `toolu_rehearsal_${reply.id}`,
          name: reply.tool,
          input: {},
        },
      }),
    );
    for (const piece of ["{", "}"]) {
      frames.push(
        frame({
          type: "content_block_delta",
          index: 1,
          delta: { type: "input_json_delta", partial_json: piece },
        }),
      );
    }
    frames.push(frame({ type: "content_block_stop", index: 1 }));
  }
  frames.push(
    frame({
      type: "message_delta",
      delta: { stop_reason: reply.tool ? "tool_use" : "end_turn", stop_sequence: null },
      usage: { output_tokens: 12 },
    }),
    frame({ type: "message_stop" }),
  );
  return frames;
}

function openAIFrames(reply: Reply): string[] {
  const chunk = (choice: Record<string, unknown> | undefined, extra = {}) =>
    `data: ${
      JSON.stringify({
        id: `chatcmpl-rehearsal-${reply.id}`,
        object: "chat.completion.chunk",
        created: 0,
        model: "rehearsal",
        choices: choice ? [{ index: 0, finish_reason: null, ...choice }] : [],
        ...extra,
      })
    }\n\n`;
  const frames = [chunk({ delta: { role: "assistant", content: "" } })];
  for (const piece of halves(reply.text)) frames.push(chunk({ delta: { content: piece } }));
  if (reply.tool !== undefined) {
    frames.push(chunk({
      delta: {
        tool_calls: [{
          index: 0,
          id: `call_rehearsal_${reply.id}`,
          type: "function",
          function: { name: reply.tool, arguments: "" },
        }],
      },
    }));
    for (const piece of ["{", "}"]) {
      frames.push(chunk({ delta: { tool_calls: [{ index: 0, function: { arguments: piece } }] } }));
    }
  }
  frames.push(
    chunk({ delta: {}, finish_reason: reply.tool ? "tool_calls" : "stop" }),
    chunk(undefined, {
      usage: {
        prompt_tokens: reply.input,
        completion_tokens: 12,
        total_tokens: reply.input + 12,
        prompt_tokens_details: { cached_tokens: 0 },
      },
    }),
    "data: [DONE]\n\n",
  );
  return frames;
}

/** A text in two pieces, as a provider streams it in several deltas. */
function halves(text: string): string[] {
  const middle = Math.floor(text.length / 2);
  return [text.slice(0, middle), text.slice(middle)];
}
