// Which provider failures are worth another attempt, and what to tell the person when not.
import { cutText, LoomError } from "../core/mod.ts";
import { connectionFault, displayURL, type Reach } from "./connection.ts";

export { connectionFault, type Reach };

/** A failure seen by an adapter, stripped of SDK classes. */
export interface Fault {
  kind: "http" | "stream-error" | "connection" | "timeout" | "malformed" | "incomplete" | "abort";
  status?: number;
  /** The provider's error type, e.g. `overloaded_error`, `rate_limit_error`. */
  type?: string;
  /** The provider's error code when it is a word, e.g. Groq's `tool_use_failed`. */
  code?: string;
  /** A wait the error's body asked for (Google's RetryInfo), used when no header says one. */
  retryAfterMs?: number;
  message: string;
  headers?: Headers;
  cause?: unknown;
  /** For a `connection` fault: why no connection was made, when the error says so. */
  reach?: Reach;
}

/** Where a provider lives, for advice when it cannot be reached. */
export interface Endpoint {
  baseURL: string;
  /** What to do, e.g. `check the network or ANTHROPIC_BASE_URL`. */
  advice: string;
}

/** The verdict on a fault. */
export interface Judgement {
  retryable: boolean;
  /** From `retry-after-ms` / `retry-after` when the provider sent one. */
  retryAfterMs?: number;
  /** Retries this fault deserves at most, when fewer than the policy allows. */
  maxRetries?: number;
  /** A fixed wait before the retry, instead of the exponential backoff. */
  delayMs?: number;
  error: LoomError;
}

/**
 * How providers say a request is longer than the model's context window: Anthropic ("prompt is
 * too long"), OpenAI, DeepSeek and vLLM ("maximum context length"), xAI ("maximum prompt length"),
 * Mistral ("too large for model with ... context length"), Gemini ("exceeds the maximum number of
 * tokens"), Groq ("reduce the length of the messages"), llama.cpp ("exceeds the available context
 * size").
 */
const OVERFLOW =
  /prompt is too long|context[ _]length|context limit|maximum prompt length|context window|exceeds the maximum number of tokens|reduce the length of the messages|available context size/i;

/** A refused connection is retried once, soon: the server may be restarting. */
const REFUSED_RETRY_DELAY_MS = 500;

const RETRYABLE_TYPES = new Set([
  "overloaded_error",
  "rate_limit_error",
  "api_error",
  "server_error",
]);

/** A reply limit (max_tokens) above the model's, as Anthropic and OpenAI word it. */
const OUTPUT_LIMIT =
  /max_(completion_)?tokens.{0,80}(too large|maximum|at most|exceed)|maximum allowed number of output tokens/i;

/**
 * An account out of money or quota, as OpenAI ("insufficient_quota"), Anthropic and DeepSeek (402
 * "Insufficient Balance") word it. Not OpenAI's sentence for it, "You exceeded your current
 * quota": Gemini says the same of a per-minute limit, which passes (its RetryInfo says when).
 */
const BILLING = /credit balance is too low|insufficient_quota|insufficient balance/i;

/** Mistral's API (and servers running its chat template) refusing another API's tool call ids. */
const MISTRAL_IDS = /tool call id .{0,200}must be a-z, A-Z, 0-9, with a length of 9/i;

/** A refused key in a 400's words (Gemini's "API key not valid", API_KEY_INVALID). */
const BAD_KEY = /api[ _]key not valid|api_key_invalid|invalid api[ _]key/i;

/** A thinking-mode server's refusal of assistant messages without their thinking blocks. */
const MISSING_THINKING =
  /content\[\]\.thinking`? in the thinking mode must be passed back|missing thinking block/i;

/** Refusals of a request's shape that one `[providers.NAME]` setting fixes: [refused, why, fix]. */
const SETTING_FIXES: [(status: number, message: string) => boolean, string, string][] = [
  [
    (status, message) => (status === 400 || status === 422) && /stream_options/.test(message),
    "the server does not take stream_options",
    "stream_options = false",
  ],
  [
    // OpenRouter's words for Gemini's refusal (which it quotes, thought_signature and all).
    (_, message) => /reasoning[ _]details/i.test(message) && /preserved|missing/i.test(message),
    "the server wants OpenRouter's reasoning details sent back",
    "reasoning_details = true",
  ],
  [
    (_, message) => /missing a thought_signature/i.test(message),
    "the server wants Gemini's thought signatures sent back",
    "extra_content = true",
  ],
  [
    (status, message) =>
      status === 400 &&
      /missing `?reasoning_content`? field|`?reasoning_content`? in the thinking mode must be passed back/i
        .test(message),
    "the server wants the model's reasoning sent back",
    "reasoning_content = true",
  ],
  [
    (_, message) => MISTRAL_IDS.test(message),
    "the server wants Mistral's tool call ids",
    'tool_call_ids = "mistral"',
  ],
];

/**
 * Judges a fault for model `modelId` whose key lives in `keyEnv` and which is served at
 * `endpoint` (both for the advice).
 */
export function judgeFault(
  fault: Fault,
  modelId: string,
  keyEnv?: string,
  endpoint?: Endpoint,
): Judgement {
  const head = `Cannot call "${modelId}"`;
  const status = fault.status;
  const details = { status, type: fault.type, kind: fault.kind };
  const make = (code: "PROVIDER" | "TIMEOUT" | "CANCELLED", why: string) =>
    new LoomError(code, `${head}: ${why}`, { cause: fault.cause, details });
  const retryAfterMs = (fault.headers ? parseRetryAfter(fault.headers) : undefined) ??
    fault.retryAfterMs;
  const said = fault.message ? ` (${oneLine(fault.message)})` : "";
  switch (fault.kind) {
    case "abort":
      return { retryable: false, error: make("CANCELLED", "cancelled") };
    case "timeout":
      return { retryable: true, error: make("TIMEOUT", "the provider stopped answering") };
    case "connection":
      return judgeConnection(fault, endpoint, make);
    case "malformed":
      return { retryable: true, error: make("PROVIDER", `the stream was malformed${said}`) };
    case "incomplete":
      return { retryable: true, error: make("PROVIDER", "the stream ended before the reply did") };
  }
  if (fault.code === "tool_use_failed") {
    // Groq reads a reply's tool calls before it streams them, and refuses the whole reply when the
    // model wrote one it cannot parse. Nothing was streamed, and the model samples anew on a retry.
    return {
      retryable: true,
      maxRetries: 2,
      error: make(
        "PROVIDER",
        `the model wrote a tool call the provider could not read (tool_use_failed)${said}; if ` +
          "it keeps happening, use a model that calls tools more reliably",
      ),
    };
  }
  if (fault.type === "insufficient_quota" || BILLING.test(fault.message)) {
    // Not a rate: nothing changes by waiting.
    return {
      retryable: false,
      error: make(
        "PROVIDER",
        `the account is out of quota or credit${status ? ` (${status})` : ""}${said}; check ` +
          "the plan and billing of this provider's account",
      ),
    };
  }
  if (status === 429 || fault.type === "rate_limit_error") {
    return {
      retryable: true,
      retryAfterMs,
      error: make("PROVIDER", `rate limited${said}; wait or raise your limit`),
    };
  }
  if (status === 529 || fault.type === "overloaded_error") {
    return {
      retryable: true,
      retryAfterMs,
      error: make("PROVIDER", `the provider is overloaded${said}`),
    };
  }
  if (status === undefined) {
    const retryable = RETRYABLE_TYPES.has(fault.type ?? "");
    return {
      retryable,
      retryAfterMs,
      error: make("PROVIDER", `the provider reported an error${said}`),
    };
  }
  if (status === 400 && MISSING_THINKING.test(fault.message)) {
    // Loom sends back the thinking a server sent; calls made elsewhere never had any.
    return {
      retryable: false,
      error: make(
        "PROVIDER",
        `the server wants each tool call's thinking sent back, and calls in this conversation made ` +
          `by another model or server have none (400)${said}; /compact in the REPL summarises ` +
          "them away, or start a new session",
      ),
    };
  }
  if (status === 400 && OUTPUT_LIMIT.test(fault.message) && !OVERFLOW.test(fault.message)) {
    return {
      retryable: false,
      error: make(
        "PROVIDER",
        `the reply's limit is above what the model allows (400)${said}; set [models."${modelId}"] ` +
          "max_output to the model's limit (or [context] reserved_output_tokens lower)",
      ),
    };
  }
  const fix = SETTING_FIXES.find(([refused]) => refused(status, fault.message));
  if (fix) {
    // Refused for the request's shape (some servers say so with a 500): a retry would be too.
    return {
      retryable: false,
      error: make(
        "PROVIDER",
        `${fix[1]} (${status})${said}; set [providers.${modelId.split(":")[0]}] ${fix[2]} in ` +
          ".loom.toml or ~/.loom/config.toml",
      ),
    };
  }
  if (status >= 500 || status === 408 || status === 409) {
    return {
      retryable: true,
      retryAfterMs,
      error: make("PROVIDER", `provider error ${status}${said}`),
    };
  }
  // Gemini refuses a bad key with a 400 (API_KEY_INVALID).
  if (status === 401 || status === 403 || (status === 400 && BAD_KEY.test(fault.message))) {
    const fix = keyEnv ? `; check ${keyEnv}` : "; check the key for this provider";
    return {
      retryable: false,
      error: make("PROVIDER", `the API key was refused (${status})${said}${fix}`),
    };
  }
  if (status === 404) {
    return {
      retryable: false,
      error: make(
        "PROVIDER",
        `the provider does not know this model (404)${said}; check the model name`,
      ),
    };
  }
  if (status === 413 || (status === 400 && OVERFLOW.test(fault.message))) {
    // Not retried as it is: the agent compacts the conversation and calls again (see loop.ts).
    const why = `the conversation is too long for the model's context window (${status})${said}; ` +
      "/compact it or start a new session";
    return {
      retryable: false,
      error: new LoomError("PROVIDER", `${head}: ${why}`, {
        cause: fault.cause,
        details: { ...details, overflow: true },
      }),
    };
  }
  return {
    retryable: false,
    error: make("PROVIDER", `the provider refused the request (${status})${said}`),
  };
}

/**
 * Milliseconds to wait from `retry-after-ms`, or `retry-after` in seconds or as an HTTP date.
 *
 * @example parseRetryAfter(new Headers({ "retry-after": "2" })) // 2000
 */
export function parseRetryAfter(headers: Headers, now: number = Date.now()): number | undefined {
  const ms = Number(headers.get("retry-after-ms"));
  if (headers.has("retry-after-ms") && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get("retry-after")?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The wait a Google error body asks for: a `google.rpc.RetryInfo` detail's `retryDelay`
 * ("37s", "0.5s"), as Gemini sends with a 429 and no retry-after header.
 */
export function retryInfoMs(details: unknown): number | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const detail of details) {
    const delay = (detail as { retryDelay?: unknown } | null)?.retryDelay;
    const match = typeof delay === "string" ? /^(\d+(?:\.\d+)?)s$/.exec(delay.trim()) : null;
    if (match) return Math.round(Number(match[1]) * 1000);
  }
  return undefined;
}

function judgeConnection(
  fault: Fault,
  endpoint: Endpoint | undefined,
  make: (code: "PROVIDER", why: string) => LoomError,
): Judgement {
  const at = endpoint ? displayURL(endpoint.baseURL) : "the provider";
  const fix = `; ${endpoint?.advice ?? "check the network or the provider's base URL"}`;
  const said = fault.message ? ` (${oneLine(fault.message)})` : "";
  switch (fault.reach) {
    case "refused":
      return {
        retryable: true,
        maxRetries: 1,
        delayMs: REFUSED_RETRY_DELAY_MS,
        error: make("PROVIDER", `nothing is listening at ${at} (connection refused)${fix}`),
      };
    case "blocked":
      return { retryable: false, error: make("PROVIDER", `cannot connect to ${at}${said}${fix}`) };
    case "bad-url":
      return {
        retryable: false,
        error: make("PROVIDER", `${at} is not a usable URL${said}${fix}`),
      };
    case "no-host":
      return {
        retryable: false,
        error: make("PROVIDER", `cannot find the host of ${at}${said}${fix}`),
      };
    case "tls":
      return {
        retryable: false,
        error: make(
          "PROVIDER",
          `the TLS certificate of ${at} was rejected${said}; behind a proxy that re-signs TLS ` +
            "(a company network), trust the system's certificates with DENO_TLS_CA_STORE=system " +
            "or name the proxy's with DENO_CERT=/path/to/ca.pem",
        ),
      };
  }
  return { retryable: true, error: make("PROVIDER", `connection to ${at} failed${said}${fix}`) };
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 300 ? cutText(flat, 297) + "..." : flat;
}

/**
 * An error body's message as text. Not every server sends a string: Mistral (and other servers
 * built on FastAPI) send `{ detail: [{ loc, msg }] }`, which is written as `loc: msg`.
 */
function messageText(message: unknown): string {
  if (typeof message === "string") return message;
  if (message === undefined || message === null) return "";
  const detail = (message as { detail?: unknown }).detail;
  if (Array.isArray(detail)) {
    const items = detail.map((d: { loc?: unknown; msg?: unknown }) =>
      Array.isArray(d?.loc) && typeof d.msg === "string"
        ? `${d.loc.join(".")}: ${d.msg}`
        : JSON.stringify(d)
    );
    if (items.length > 0) return items.join("; ");
  }
  return JSON.stringify(message) ?? String(message);
}

// deno-lint-ignore no-explicit-any
type ErrorClass<E = Error> = abstract new (...args: any[]) => E;

/** The error classes both provider SDKs export (both are generated from the same template). */
export interface SdkErrorClasses<E extends Error> {
  APIUserAbortError: ErrorClass;
  APIConnectionTimeoutError: ErrorClass;
  APIConnectionError: ErrorClass;
  APIError: ErrorClass<E>;
}

/**
 * Maps an SDK error to a fault. Only what an API error's body looks like differs between
 * providers, so each adapter passes `fromApiError`; aborts, timeouts, connection failures and
 * malformed streams map the same way for all.
 */
export function faultFromSdk<E extends Error>(
  err: unknown,
  sdk: SdkErrorClasses<E>,
  fromApiError: (err: E) => Fault,
): Fault {
  if (err instanceof sdk.APIUserAbortError) return { kind: "abort", message: "" };
  if (err instanceof sdk.APIConnectionTimeoutError) {
    return { kind: "timeout", message: (err as Error).message, cause: err };
  }
  if (err instanceof sdk.APIConnectionError) return connectionFault(err);
  if (err instanceof sdk.APIError) {
    const fault = fromApiError(err as E);
    return { ...fault, message: messageText(fault.message) };
  }
  if (err instanceof SyntaxError) return { kind: "malformed", message: err.message, cause: err };
  return connectionFault(err);
}
