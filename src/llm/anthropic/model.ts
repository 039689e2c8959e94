// The Anthropic adapter: the real SDK, our retries, pure converters either side.
import Anthropic from "@anthropic-ai/sdk";
import type { LanguageModel, ModelInfo, ModelRequest, StreamPart } from "../../core/mod.ts";
import { type Fault, faultFromSdk } from "../faults.ts";
import { type RetryPolicy, streamWithRetries } from "../retry.ts";
import { AnthropicEncoder } from "./encode.ts";
import { namingEvents } from "./event_names.ts";
import { type AnthropicEvent, createAnthropicConverter } from "./events.ts";

/** What the Anthropic adapter needs; nothing is read from the environment. */
export interface AnthropicModelOptions {
  info: ModelInfo;
  /** The key (sent as x-api-key), or instead a bearer token (sent as Authorization). */
  apiKey?: string;
  authToken?: string;
  baseURL: string;
  /** Named in error advice (e.g. `ANTHROPIC_API_KEY`). */
  keyEnv?: string;
  /** What to do when the server cannot be reached (see unreachableAdvice). */
  unreachableAdvice?: string;
  fetch?: typeof fetch;
  retry?: RetryPolicy;
}

/** A LanguageModel on Anthropic's Messages API, with prompt caching. */
export function createAnthropicModel(options: AnthropicModelOptions): LanguageModel {
  const sdk = (fetch?: typeof globalThis.fetch) =>
    new Anthropic({
      apiKey: options.authToken ? null : options.apiKey ?? "no-key",
      authToken: options.authToken ?? null,
      webhookKey: null,
      baseURL: options.baseURL,
      maxRetries: 0,
      // Failures reach the caller as error parts; the SDK must not also print them.
      logLevel: "off",
      // Our idle timeout governs; the SDK's would also cut long healthy streams.
      timeout: 60 * 60 * 1000,
      ...(fetch ? { fetch } : {}),
    });
  let client = sdk(options.fetch);
  /**
   * Whether event streams are read through namingEvents: from the first stream that ended with
   * no event the SDK could read (a server that leaves out SSE `event:` lines), and on.
   */
  let naming = false;
  // Thinking blocks go back only to the server that sent them (see createAnthropicConverter).
  const origin = options.baseURL.replace(/\/+$/, "");
  const encoder = new AnthropicEncoder(origin);
  const converter = () => createAnthropicConverter(origin);
  const json = { "content-type": "application/json" };
  const endpoint = {
    baseURL: options.baseURL,
    advice: options.unreachableAdvice ?? "check the network or the base URL",
  };
  return {
    info: options.info,
    capabilities: { tools: options.info.tools, images: true, promptCaching: true },
    stream(request: ModelRequest, { signal }: { signal?: AbortSignal } = {}) {
      // The body is serialised here, once, to bytes (reusing those of messages sent before, in a
      // buffer kept between calls); the SDK passes bytes through untouched, and retries resend
      // the same ones. The buffer is handed back when the stream is over.
      const { body, release } = encoder.lease(request, options.info);
      return streamWithRetries<AnthropicEvent>(
        {
          modelId: options.info.id,
          keyEnv: options.keyEnv,
          endpoint,
          converter,
          toFault: anthropicFault,
          settled: release,
          open(attemptSignal, previous) {
            if (
              !naming && previous?.fault.kind === "incomplete" &&
              (previous.converter as ReturnType<typeof converter>).seen() === 0
            ) {
              naming = true;
              client = sdk(namingEvents(options.fetch ?? fetch));
            }
            // `messages.create` with a ready body: the SDK's generic POST, streamed the same way.
            // Its promise as it is: an async wrapper would cost a turn of the microtask queue.
            return client.post("/v1/messages", {
              body,
              headers: json,
              stream: true,
              signal: attemptSignal,
            }) as unknown as Promise<AsyncIterable<AnthropicEvent>>;
          },
        },
        options.retry,
        signal,
      ) as AsyncIterable<StreamPart>;
    },
  };
}

/** Maps the SDK's errors to faults. */
export function anthropicFault(err: unknown): Fault {
  return faultFromSdk(err, Anthropic, (apiError: InstanceType<typeof Anthropic.APIError>) => {
    const body = apiError.error as { error?: { type?: string; message?: string } } | undefined;
    return {
      kind: apiError.status === undefined ? "stream-error" : "http",
      status: apiError.status,
      type: apiError.type ?? body?.error?.type,
      message: body?.error?.message ?? apiError.message,
      headers: apiError.headers,
      cause: apiError,
    };
  });
}
