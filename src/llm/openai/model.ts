// The OpenAI adapter (OpenAI itself and every compatible server): the real SDK, our retries.
import OpenAI from "openai";
import type { LanguageModel, ModelInfo, ModelRequest, StreamPart } from "../../core/mod.ts";
import { type Fault, faultFromSdk, retryInfoMs } from "../faults.ts";
import { type RetryPolicy, streamWithRetries } from "../retry.ts";
import { createOpenAIConverter, type OpenAIChunk } from "./chunks.ts";
import { type OpenAIQuirks, toOpenAIRequest } from "./request.ts";

/** What the OpenAI adapter needs; nothing is read from the environment. */
export interface OpenAIModelOptions {
  info: ModelInfo;
  /** Undefined for keyless local servers. */
  apiKey?: string;
  baseURL: string;
  keyEnv?: string;
  quirks?: OpenAIQuirks;
  /** What to do when the server cannot be reached (see unreachableAdvice). */
  unreachableAdvice?: string;
  fetch?: typeof fetch;
  retry?: RetryPolicy;
}

/** A LanguageModel on the Chat Completions API; cached prompt tokens are reported as cache reads. */
export function createOpenAIModel(options: OpenAIModelOptions): LanguageModel {
  const client = new OpenAI({
    // Local servers take any key; the SDK refuses to start without one.
    apiKey: options.apiKey ?? "no-key",
    organization: null,
    project: null,
    webhookSecret: null,
    baseURL: options.baseURL,
    maxRetries: 0,
    // Failures reach the caller as error parts; the SDK must not also print them.
    logLevel: "off",
    timeout: 60 * 60 * 1000,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const endpoint = {
    baseURL: options.baseURL,
    advice: options.unreachableAdvice ?? "check the network or the base URL",
  };
  return {
    info: options.info,
    capabilities: { tools: options.info.tools, images: true, promptCaching: false },
    stream(request: ModelRequest, { signal }: { signal?: AbortSignal } = {}) {
      const body = toOpenAIRequest(request, options.info, options.quirks);
      return streamWithRetries<OpenAIChunk>(
        {
          modelId: options.info.id,
          keyEnv: options.keyEnv,
          endpoint,
          converter: createOpenAIConverter,
          toFault: openAIFault,
          open(attemptSignal) {
            return client.chat.completions.create(body, {
              signal: attemptSignal,
            }) as unknown as Promise<AsyncIterable<OpenAIChunk>>;
          },
        },
        options.retry,
        signal,
      ) as AsyncIterable<StreamPart>;
    },
  };
}

/** Maps the SDK's errors to faults. */
export function openAIFault(err: unknown): Fault {
  return faultFromSdk(err, OpenAI, (apiError: InstanceType<typeof OpenAI.APIError>) => {
    // Gemini's OpenAI endpoint sends its error as a one-element array (`[{"error": {...}}]`).
    const raw = apiError.error as unknown;
    const inner = Array.isArray(raw) && raw.length === 1 ? raw[0]?.error : undefined;
    const body = (inner !== null && typeof inner === "object" ? inner : raw) as
      | {
        type?: string;
        code?: string | number;
        message?: string;
        failed_generation?: unknown;
        details?: unknown;
      }
      | undefined;
    const wait = retryInfoMs(body?.details);
    const code = typeof body?.code === "number" ? body.code : Number(body?.code);
    const word = typeof body?.code === "string" && !Number.isInteger(code) ? body.code : undefined;
    // Groq's own words for a tool call it could not read ("adjust your prompt, see
    // failed_generation") say less than what it puts in failed_generation.
    const failed = typeof body?.failed_generation === "string" && body.failed_generation.trim()
      ? body.failed_generation
      : undefined;
    return {
      kind: apiError.status === undefined ? "stream-error" : "http",
      // An error inside a 200 stream carries its status (if any) in the body.
      status: apiError.status ?? (Number.isInteger(code) && code >= 400 ? code : undefined),
      type: apiError.type ?? body?.type ?? undefined,
      ...(word ? { code: word } : {}),
      ...(wait !== undefined ? { retryAfterMs: wait } : {}),
      message: (word === "tool_use_failed" ? failed : undefined) ?? body?.message ??
        apiError.message,
      headers: apiError.headers,
      cause: apiError,
    };
  });
}
