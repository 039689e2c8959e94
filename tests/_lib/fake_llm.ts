// A fake LLM provider: a local HTTP server speaking Anthropic's and OpenAI's real streaming wire
// formats, answering from a per-test script and recording every request. The real SDKs talk to it.
import type { LanguageModel, ModelRequest, StreamPart } from "../../src/core/mod.ts";
import { estimate, PromptCache } from "./fake_llm_cache.ts";
import { type FakeMessage, type FakeReply, reply } from "./fake_llm_script.ts";
import {
  anthropicErrorBody,
  anthropicErrorFrame,
  anthropicFrames,
  openaiErrorBody,
  openaiErrorFrame,
  openaiFrames,
  type ServedUsage,
} from "./fake_llm_wire.ts";

export { reply };
export type { FakeMessage, FakeReply };

/** A request the fake received. */
export interface RecordedRequest {
  api: "anthropic" | "openai";
  path: string;
  headers: Record<string, string>;
  // deno-lint-ignore no-explicit-any
  body: any;
  /** What the fake reported as usage (for message replies). */
  usage?: ServedUsage;
  /** When the whole request had arrived: `performance.timeOrigin + performance.now()`. */
  receivedAt: number;
}

/** A scripted step: a fixed reply, or one computed from the request. */
export type ScriptStep = FakeReply | ((request: RecordedRequest) => FakeReply);

/**
 * A step that checks the request as the real API would: `refusal` says why that API refuses this
 * body (the fake answers 400 with that message), or undefined to answer `answer`.
 */
export function unlessRefused(
  // deno-lint-ignore no-explicit-any
  refusal: (body: any) => string | undefined,
  answer: FakeReply,
): ScriptStep {
  return (request) => {
    const why = refusal(request.body);
    return why === undefined ? answer : reply.httpError(400, why);
  };
}

/** A running fake provider. */
export interface FakeLlm extends AsyncDisposable {
  /** `http://127.0.0.1:PORT`: Anthropic's base URL. */
  url: string;
  /** `url + "/v1"`: OpenAI's base URL. */
  openaiURL: string;
  requests: RecordedRequest[];
  /** Queues replies, answered in order, one per request. */
  enqueue(...steps: ScriptStep[]): void;
  /** Replies still queued. */
  pending(): number;
  /** Stalled replies whose client has not gone away yet. */
  stalled(): number;
  /** Variables that point both SDKs at this server with a test key. */
  env(): Record<string, string>;
  close(): Promise<void>;
}

/** Starts the fake on 127.0.0.1 with a free port. `fallback` answers when the queue is empty. */
export function startFakeLlm(
  options: { replies?: ScriptStep[]; fallback?: (request: RecordedRequest) => FakeReply } = {},
): Promise<FakeLlm> {
  const queue: ScriptStep[] = [...(options.replies ?? [])];
  const requests: RecordedRequest[] = [];
  // Numbers the replies (message and tool call ids): never reused, even after `requests` is cleared,
  // as a real provider mints a fresh id for every call.
  let replies = 0;
  const cache = new PromptCache();
  const open = new Set<ReadableStreamDefaultController<Uint8Array>>();
  const encoder = new TextEncoder();

  /** Requests left unanswered (`reply.hang`): each answers once its client goes away. */
  const hanging = new Set<() => void>();
  function hang(req: Request): Promise<Response> {
    return new Promise((resolve) => {
      const done = () => {
        hanging.delete(done);
        resolve(new Response(null, { status: 499 }));
      };
      hanging.add(done);
      req.signal.addEventListener("abort", done, { once: true });
    });
  }

  function handle(req: Request, text: string, receivedAt: number): Response | Promise<Response> {
    const url = new URL(req.url);
    const api = url.pathname === "/v1/messages"
      ? "anthropic"
      : url.pathname === "/v1/chat/completions"
      ? "openai"
      : undefined;
    if (req.method !== "POST" || !api) return new Response("not found", { status: 404 });
    const recorded: RecordedRequest = {
      receivedAt,
      api,
      path: url.pathname,
      headers: Object.fromEntries(req.headers),
      body: JSON.parse(text),
    };
    requests.push(recorded);
    const step = queue.shift();
    const script = step === undefined
      ? options.fallback?.(recorded)
      : typeof step === "function"
      ? step(recorded)
      : step;
    const errorBody = api === "anthropic" ? anthropicErrorBody : openaiErrorBody;
    if (!script) {
      const message = `fake LLM: no scripted reply left for request ${requests.length}`;
      return json(400, errorBody("invalid_request_error", message));
    }
    if (script.kind === "http-error") {
      return json(script.status, errorBody(script.type, script.message), script.headers);
    }
    if (script.kind === "raw") return stream([script.body]);
    if (script.kind === "raw-error") return json(script.status, script.body);
    if (script.kind === "hang") return hang(req);
    if (script.kind === "stall") return stream([], { stall: true });
    const message: FakeMessage = script.kind === "cut"
      ? script.reply
      : script.kind === "message"
      ? script
      : reply.text("x");
    const frames = render(recorded, message);
    switch (script.kind) {
      case "message":
        return stream(frames, { gapMs: message.gapMs });
      case "cut":
        return stream(frames.slice(0, script.after), {
          reset: script.mode === "reset",
          stall: script.mode === "stall",
        });
      case "stream-error": {
        const frame = api === "anthropic" ? anthropicErrorFrame : openaiErrorFrame;
        return stream([...frames.slice(0, script.after), frame(script.type, script.message)]);
      }
      case "malformed": {
        const bad = api === "anthropic"
          ? 'event: content_block_delta\ndata: {"type": "content_block_delta", "index": 0,\n\n'
          : 'data: {"id": "chatcmpl-broken", "choices": [\n\n';
        return stream([...frames.slice(0, script.after), bad]);
      }
    }
  }

  function render(recorded: RecordedRequest, message: FakeMessage): string[] {
    const body = recorded.body;
    const split = recorded.api === "anthropic" ? cache.anthropic(body) : cache.openai(body);
    const outputText = (message.text ?? "") + JSON.stringify(message.toolCalls ?? []);
    const usage = { ...split, output: message.outputTokens ?? estimate(outputText) };
    recorded.usage = usage;
    const seq = replies++;
    return recorded.api === "anthropic"
      ? anthropicFrames(message, body.model, usage, seq)
      : openaiFrames(message, body.model, usage, seq, body.stream_options?.include_usage === true);
  }

  function json(status: number, body: string, headers: Record<string, string> = {}): Response {
    return new Response(body, {
      status,
      headers: { "content-type": "application/json", "request-id": "req_fake", ...headers },
    });
  }

  function stream(
    frames: string[],
    how: { stall?: boolean; reset?: boolean; gapMs?: number } = {},
  ): Response {
    let controller: ReadableStreamDefaultController<Uint8Array>;
    let next = 0;
    // One frame per pull, so a reset comes after the frames before it were written out.
    const body = new ReadableStream<Uint8Array>({
      async pull(c) {
        controller = c;
        if (how.gapMs && next > 0 && next < frames.length) {
          await new Promise((resolve) => setTimeout(resolve, how.gapMs));
        }
        if (next < frames.length) c.enqueue(encoder.encode(frames[next++]));
        else if (how.reset) {
          c.error(new Deno.errors.ConnectionReset("fake LLM: simulated connection reset"));
        } else if (how.stall) open.add(c);
        else c.close();
      },
      cancel() {
        open.delete(controller);
      },
    }, { highWaterMark: 0 });
    return new Response(body, {
      headers: {
        "content-type": "text/event-stream",
        "cache-control": "no-cache",
        "request-id": "req_fake",
      },
    });
  }

  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (req) => {
      const text = await req.text();
      return handle(req, text, performance.timeOrigin + performance.now());
    },
  );
  const url = `http://127.0.0.1:${server.addr.port}`;
  const close = async () => {
    for (const done of [...hanging]) done();
    for (const c of open) {
      try {
        c.close();
      } catch {
        // already closed by the client going away
      }
    }
    open.clear();
    await server.shutdown();
  };
  // Listening is synchronous; the promise keeps room for a readiness wait.
  return Promise.resolve({
    url,
    openaiURL: `${url}/v1`,
    requests,
    enqueue: (...steps) => void queue.push(...steps),
    pending: () => queue.length,
    stalled: () => open.size,
    env: () => ({
      ANTHROPIC_BASE_URL: url,
      OPENAI_BASE_URL: `${url}/v1`,
      ANTHROPIC_API_KEY: "sk-ant-fake",
      OPENAI_API_KEY: "sk-fake",
    }),
    close,
    [Symbol.asyncDispose]: close,
  });
}

/** Drains one model call into an array of parts. */
export async function collect(
  model: LanguageModel,
  request: ModelRequest,
  signal?: AbortSignal,
): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const part of model.stream(request, { signal })) parts.push(part);
  return parts;
}

/** The concatenated text of the text-delta parts. */
export function textOf(parts: StreamPart[]): string {
  return parts.flatMap((p) => (p.type === "text-delta" ? [p.text] : [])).join("");
}
