// One model call as a stream of parts, with retries before any output and an idle timeout.
import { LoomError } from "../core/mod.ts";
import { type PushableParts, pushParts, type StreamPart } from "../core/mod.ts";
import { type Endpoint, type Fault, judgeFault } from "./faults.ts";
import { type IdleWatch, watchIdle } from "./idle_watch.ts";

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
  /** The parts one event makes (often none): read them, do not keep or change the array. */
  push(event: E): readonly StreamPart[];
  end(): StreamPart[] | undefined;
}

/** What an adapter supplies for one call. */
export interface Attempt<E> {
  modelId: string;
  keyEnv?: string;
  /** Where the provider lives, named when it cannot be reached. */
  endpoint?: Endpoint;
  /**
   * Sends the request. `previous`, on a retry: how the attempt before failed, and its converter
   * (what it made of the events that came).
   */
  open(signal: AbortSignal, previous?: PreviousAttempt<E>): Promise<AsyncIterable<E>>;
  converter(): Converter<E>;
  /** Maps an SDK error to a fault. */
  toFault(err: unknown): Fault;
  /** Called once the stream is over, however it ended (the request bytes may be reused). */
  settled?(): void;
}

/** The attempt before a retry: its fault and its converter. */
export interface PreviousAttempt<E> {
  fault: Fault;
  converter: Converter<E>;
}

/** A fault raised inside the loop (timeouts, short streams) rather than by an SDK. */
export class FaultError extends Error {
  constructor(readonly fault: Fault) {
    super(fault.message);
  }
}

/** True for the parts that are output: none may be streamed twice, so no retry after one. */
function isOutput(part: StreamPart): boolean {
  const type = part.type;
  return type === "text-delta" || type === "tool-call-start" || type === "tool-call-delta" ||
    type === "tool-call-end";
}

const DONE: IteratorReturnResult<undefined> = { value: undefined, done: true };

/** Streams an attempt, retrying retryable faults until output has been streamed. Never throws LoomError. */
export function streamWithRetries<E>(
  attempt: Attempt<E>,
  policy: RetryPolicy = {},
  signal?: AbortSignal,
): AsyncIterableIterator<StreamPart> & PushableParts {
  return new RetryingStream(attempt, policy, signal);
}

/** One attempt in flight: its abort controller, idle watch, converter and provider events. */
interface Current<E> {
  ctl: AbortController;
  watch: IdleWatch;
  converter: Converter<E>;
  events: AsyncIterator<E> | undefined;
  timedOut: boolean;
}

/**
 * The parts of one model call, attempt after attempt. Hand-written rather than an async
 * generator: each provider event costs one await here, and its parts are handed out from a
 * queue, without a generator suspending and resuming per part.
 */
class RetryingStream<E> implements AsyncIterableIterator<StreamPart>, PushableParts {
  readonly #attempt: Attempt<E>;
  readonly #policy: RetryPolicy;
  readonly #signal: AbortSignal | undefined;
  readonly #maxRetries: number;
  /** Parts converted but not yet handed out, from `#head` on. */
  #parts: StreamPart[] = [];
  #head = 0;
  /** No part comes after those queued. */
  #finished = false;
  #closed = false;
  /** Attempts that failed so far. */
  #failures = 0;
  /** The delay before the next attempt, once its retry part has been handed out. */
  #delayMs: number | undefined;
  #current: Current<E> | undefined;
  /** Output reached the caller: no retry after that. */
  #emitted = false;
  /** The last attempt that failed (passed to the next one's `open`). */
  #previous: PreviousAttempt<E> | undefined;
  #onAbort = () => this.#current?.ctl.abort(this.#signal?.reason);

  constructor(attempt: Attempt<E>, policy: RetryPolicy, signal: AbortSignal | undefined) {
    this.#attempt = attempt;
    this.#policy = policy;
    this.#signal = signal;
    this.#maxRetries = policy.maxRetries ?? 4;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<StreamPart>> {
    if (this.#head < this.#parts.length || this.#finished) return Promise.resolve(this.#take());
    return this.#read();
  }

  /**
   * Hands every part to `each` as it is made (see `pushParts`). The reading's own promise, not an
   * async wrapper's: each wrapper costs a turn of the microtask queue.
   */
  [pushParts](each: (part: StreamPart) => void): Promise<unknown> {
    return this.#read(each);
  }

  /** The next queued part, or the end once none is left and none will come. */
  #take(): IteratorResult<StreamPart> {
    if (this.#head < this.#parts.length) return { value: this.#parts[this.#head++], done: false };
    this.#close();
    return DONE;
  }

  /** Leaving early: the request is aborted and the stream ends. */
  return(): Promise<IteratorResult<StreamPart>> {
    this.#finished = true;
    this.#parts = [];
    this.#head = 0;
    this.#endAttempt(true);
    this.#close();
    return Promise.resolve(DONE);
  }

  /**
   * Reads provider events until there is a part to hand out, or the stream is over. With `each`,
   * hands parts to it as they come and reads on to the end.
   */
  async #read(each?: (part: StreamPart) => void): Promise<IteratorResult<StreamPart>> {
    for (;;) {
      if (each) {
        try {
          while (this.#head < this.#parts.length) each(this.#parts[this.#head++]);
        } catch (err) {
          // The caller failed on a part: the request is aborted and the stream ends.
          this.return();
          throw err;
        }
      }
      if (this.#head < this.#parts.length || this.#finished) break;
      try {
        if (this.#delayMs !== undefined) {
          await this.#backoff(this.#delayMs);
          continue;
        }
        const current = this.#current ?? await this.#open();
        current.watch.wait();
        const next = await current.events!.next();
        current.watch.hold();
        if (next.done) {
          this.#end(current);
          continue;
        }
        const parts = convert(current.converter, next.value);
        for (let i = 0; i < parts.length; i++) {
          if (isOutput(parts[i])) this.#emitted = true;
          this.#parts.push(parts[i]);
        }
      } catch (err) {
        this.#fail(err);
      }
    }
    // A plain result, not a promise: returning one from an async function costs extra turns.
    return this.#take();
  }

  /** Starts an attempt. */
  async #open(): Promise<Current<E>> {
    const signal = this.#signal;
    if (signal?.aborted) throw new FaultError({ kind: "abort", message: "" });
    const ctl = new AbortController();
    // Removed when the attempt ends (no options object: cheaper to pass).
    signal?.addEventListener("abort", this.#onAbort);
    const current: Current<E> = {
      ctl,
      watch: watchIdle(this.#policy.idleTimeoutMs ?? 120_000, () => {
        current.timedOut = true;
        ctl.abort();
      }),
      converter: this.#attempt.converter(),
      events: undefined,
      timedOut: false,
    };
    this.#current = current;
    current.watch.wait();
    const events = await this.#attempt.open(ctl.signal, this.#previous);
    current.events = events[Symbol.asyncIterator]();
    return current;
  }

  /** The provider's events are over: the reply's last parts, or a fault when it never finished. */
  #end(current: Current<E>): void {
    if (this.#signal?.aborted) throw new FaultError({ kind: "abort", message: "" });
    if (current.timedOut) throw new FaultError({ kind: "timeout", message: "" });
    const tail = current.converter.end();
    if (!tail) throw new FaultError({ kind: "incomplete", message: "" });
    this.#endAttempt(false);
    for (const part of tail) this.#parts.push(part);
    this.#finished = true;
  }

  /** An attempt failed: an error part, or a retry part and a delay before the next attempt. */
  #fail(err: unknown): void {
    const timedOut = this.#current?.timedOut ?? false;
    const converter = this.#current?.converter;
    this.#endAttempt(true);
    const fault: Fault = this.#signal?.aborted
      ? { kind: "abort", message: "" }
      : timedOut
      ? { kind: "timeout", message: "" }
      : err instanceof FaultError
      ? err.fault
      : this.#attempt.toFault(err);
    this.#previous = converter && { fault, converter };
    const attempt = this.#attempt;
    const verdict = judgeFault(fault, attempt.modelId, attempt.keyEnv, attempt.endpoint);
    const n = this.#failures++;
    const limit = Math.min(this.#maxRetries, verdict.maxRetries ?? this.#maxRetries);
    const cap = this.#policy.maxDelayMs ?? MAX_DELAY_MS;
    if (verdict.retryable && verdict.retryAfterMs !== undefined && verdict.retryAfterMs > cap) {
      // A quota spent until later (an hourly or daily limit): waiting a minute and asking again
      // would only be refused again, several times over.
      this.#parts.push({ type: "error", error: notUntil(verdict.error, verdict.retryAfterMs) });
      this.#finished = true;
      return;
    }
    if (!verdict.retryable || this.#emitted || n >= limit) {
      const error = n > 0 && verdict.retryable ? gaveUp(verdict.error, n + 1) : verdict.error;
      this.#parts.push({ type: "error", error });
      this.#finished = true;
      return;
    }
    const delayMs = backoff(n, verdict.retryAfterMs ?? verdict.delayMs, this.#policy);
    this.#parts.push({
      type: "retry",
      attempt: n + 1,
      maxAttempts: limit + 1,
      delayMs,
      reason: verdict.error.message,
    });
    this.#delayMs = delayMs;
  }

  /** Waits before the next attempt; an abort ends the stream instead. */
  async #backoff(delayMs: number): Promise<void> {
    this.#delayMs = undefined;
    try {
      await (this.#policy.sleep ?? abortableSleep)(delayMs, this.#signal);
    } catch {
      // Only an abort ends a sleep early.
    }
    if (this.#signal?.aborted) {
      const error = judgeFault({ kind: "abort", message: "" }, this.#attempt.modelId).error;
      this.#parts.push({ type: "error", error });
      this.#finished = true;
    }
  }

  /** Lets go of the current attempt; `abort` cancels its request (it did not finish). */
  #endAttempt(abort: boolean): void {
    const current = this.#current;
    if (!current) return;
    this.#current = undefined;
    current.watch.stop();
    this.#signal?.removeEventListener("abort", this.#onAbort);
    if (abort) {
      current.ctl.abort();
      // The SDK's own iterator lets go of the response.
      current.events?.return?.().catch(() => {});
    }
  }

  /** Once, however the stream ended: the request's bytes may be reused from here. */
  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#attempt.settled?.();
  }
}

/** The delay before attempt `n + 1`: the provider's `retry-after` when given, else exponential with jitter. */
export function backoff(
  n: number,
  retryAfterMs: number | undefined,
  policy: RetryPolicy = {},
): number {
  const cap = policy.maxDelayMs ?? MAX_DELAY_MS;
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, cap);
  const base = (policy.baseDelayMs ?? 1000) * 2 ** n;
  const jitter = 1 - (policy.random ?? Math.random)() / 2;
  return Math.round(Math.min(base, cap) * jitter);
}

/**
 * A provider event's parts. An event that is not an object (`data: null`), or one the converter
 * cannot read, makes the stream malformed: not a failed connection.
 */
function convert<E>(converter: Converter<E>, event: E): readonly StreamPart[] {
  if (typeof event !== "object" || event === null) {
    throw new FaultError({ kind: "malformed", message: `an event is ${JSON.stringify(event)}` });
  }
  try {
    return converter.push(event);
  } catch (err) {
    throw new FaultError({ kind: "malformed", message: String(err), cause: err });
  }
}

/** The longest wait before a retry; a provider asking for more is not retried. */
const MAX_DELAY_MS = 60_000;

function notUntil(error: LoomError, retryAfterMs: number): LoomError {
  const minutes = Math.ceil(retryAfterMs / 60_000);
  const wait = minutes < 120 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
  return new LoomError(
    error.code,
    `${error.message}; the provider asks to wait ${wait}, so Loom did not retry`,
    {
      cause: error.cause,
      details: { ...error.details, retryAfterMs },
    },
  );
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
