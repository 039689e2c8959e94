// One model call as a stream of parts, with retries before any output and an idle timeout.
import { LoomError } from "../core/mod.ts";
import type { StreamPart } from "../core/mod.ts";
import { type Endpoint, type Fault, judgeFault } from "./faults.ts";

/** How hard to try. Tests shrink the delays or inject `sleep` to record them instead of waiting. */
export interface RetryPolicy {
  /** Attempts after the first (default 4). */
  maxRetries?: number;
  /** First backoff delay; doubles each attempt, with jitter (default 1000). */
  baseDelayMs?: number;
  /** Cap on one backoff delay and on an honoured `retry-after` (default 60000). */
  maxDelayMs?: number;
  /** Abort an attempt when no event arrives for this long (default 120000). */
  idleTimeoutMs?: number;
  /** Waits between attempts; rejects when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Jitter source in [0, 1) (default Math.random). */
  random?: () => number;
}

/** Turns provider events into parts. `end` returns undefined when the reply never finished. */
export interface Converter<E> {
  push(event: E): StreamPart[];
  end(): StreamPart[] | undefined;
}

/** What an adapter supplies for one call. */
export interface Attempt<E> {
  modelId: string;
  keyEnv?: string;
  /** Where the provider lives, named when it cannot be reached. */
  endpoint?: Endpoint;
  open(signal: AbortSignal): Promise<AsyncIterable<E>>;
  converter(): Converter<E>;
  /** Maps an SDK error to a fault. */
  toFault(err: unknown): Fault;
  /** Called once the stream is over, however it ended (the request bytes may be reused). */
  settled?(): void;
}

/** A fault raised inside the loop (timeouts, short streams) rather than by an SDK. */
export class FaultError extends Error {
  constructor(readonly fault: Fault) {
    super(fault.message);
  }
}

const OUTPUT = new Set(["text-delta", "tool-call-start", "tool-call-delta", "tool-call-end"]);

/** Streams an attempt, retrying retryable faults until output has been streamed. Never throws LoomError. */
export async function* streamWithRetries<E>(
  attempt: Attempt<E>,
  policy: RetryPolicy = {},
  signal?: AbortSignal,
): AsyncGenerator<StreamPart> {
  const maxRetries = policy.maxRetries ?? 4;
  const sleep = policy.sleep ?? abortableSleep;
  try {
    for (let n = 0;; n++) {
      const ctl = new AbortController();
      const onAbort = () => ctl.abort(signal?.reason);
      signal?.addEventListener("abort", onAbort, { once: true });
      let timedOut = false;
      const idle = idleWatch(policy.idleTimeoutMs ?? 120_000, () => {
        timedOut = true;
        ctl.abort();
      });
      let emitted = false;
      let settled = false;
      let fault: Fault;
      try {
        if (signal?.aborted) throw new FaultError({ kind: "abort", message: "" });
        const converter = attempt.converter();
        idle.wait();
        const events = await attempt.open(ctl.signal);
        for await (const event of events) {
          idle.hold();
          for (const part of converter.push(event)) {
            if (OUTPUT.has(part.type)) emitted = true;
            yield part;
          }
          idle.wait();
        }
        idle.stop();
        if (signal?.aborted) throw new FaultError({ kind: "abort", message: "" });
        if (timedOut) throw new FaultError({ kind: "timeout", message: "" });
        const tail = converter.end();
        if (!tail) throw new FaultError({ kind: "incomplete", message: "" });
        settled = true;
        yield* tail;
        return;
      } catch (err) {
        fault = signal?.aborted
          ? { kind: "abort", message: "" }
          : timedOut
          ? { kind: "timeout", message: "" }
          : err instanceof FaultError
          ? err.fault
          : attempt.toFault(err);
      } finally {
        idle.stop();
        signal?.removeEventListener("abort", onAbort);
        if (!settled) ctl.abort();
      }
      const verdict = judgeFault(fault, attempt.modelId, attempt.keyEnv, attempt.endpoint);
      const limit = Math.min(maxRetries, verdict.maxRetries ?? maxRetries);
      if (!verdict.retryable || emitted || n >= limit) {
        yield {
          type: "error",
          error: n > 0 && verdict.retryable ? gaveUp(verdict.error, n + 1) : verdict.error,
        };
        return;
      }
      const delayMs = backoff(n, verdict.retryAfterMs ?? verdict.delayMs, policy);
      yield {
        type: "retry",
        attempt: n + 1,
        maxAttempts: limit + 1,
        delayMs,
        reason: verdict.error.message,
      };
      try {
        await sleep(delayMs, signal);
      } catch {
        // Only an abort ends a sleep early.
      }
      if (signal?.aborted) {
        yield {
          type: "error",
          error: judgeFault({ kind: "abort", message: "" }, attempt.modelId).error,
        };
        return;
      }
    }
  } finally {
    attempt.settled?.();
  }
}

/**
 * Calls `onIdle` once the provider has been waited on for `ms` in a row. Time the caller holds a
 * part (between `hold` and `wait`) does not count. One timer for the whole attempt, re-armed only
 * when it fires early: setting a timer per streamed event costs more than the event's handling.
 */
function idleWatch(ms: number, onIdle: () => void) {
  let since = Date.now();
  let holding = true;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const check = () => {
    timer = undefined;
    if (stopped) return;
    const waited = holding ? 0 : Date.now() - since;
    if (waited >= ms) onIdle();
    else timer = setTimeout(check, ms - waited);
  };
  return {
    /** Waiting on the provider from now on. */
    wait() {
      since = Date.now();
      holding = false;
      timer ??= setTimeout(check, ms);
    },
    /** The caller has a part; the provider is not being waited on. */
    hold() {
      holding = true;
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** The delay before attempt `n + 1`: the provider's `retry-after` when given, else exponential with jitter. */
export function backoff(
  n: number,
  retryAfterMs: number | undefined,
  policy: RetryPolicy = {},
): number {
  const cap = policy.maxDelayMs ?? 60_000;
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, cap);
  const base = (policy.baseDelayMs ?? 1000) * 2 ** n;
  const jitter = 1 - (policy.random ?? Math.random)() / 2;
  return Math.round(Math.min(base, cap) * jitter);
}

function gaveUp(error: LoomError, attempts: number): LoomError {
  return new LoomError(error.code, `${error.message}; gave up after ${attempts} attempts`, {
    cause: error.cause,
    details: { ...error.details, attempts },
  });
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const done = () => {
      signal?.removeEventListener("abort", stop);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const stop = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", stop, { once: true });
  });
}
