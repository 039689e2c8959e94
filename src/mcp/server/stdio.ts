// No value import from the SDK: this module answers `initialize` before the SDK has loaded.
import type { JSONRPCMessage, Transport } from "./_sdk.ts";
import { wellFormedJson } from "../../core/well_formed.ts";
import { initializeRequestId, initializeResult } from "./handshake.ts";

/** JSON-RPC's own error codes (the SDK's ErrorCode values). */
const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;
/** Replies up to this size are written synchronously: below a pipe's buffer, that never waits. */
const SYNC_WRITE_BYTES = 64 * 1024;
/** The reply buffer is kept between replies up to this size (only touched pages count in RSS). */
const KEEP_BUFFER_BYTES = 1024 * 1024;

/** Bytes asked for per read of stdin (one pipe buffer). */
const READ_BYTES = 64 * 1024;

/** Messages above this many bytes are refused (and skipped up to the next newline). */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/** Where the transport reads and writes; the real process's stdin and stdout by default. */
export interface LineStreams {
  /** Reads into `into`, resolving with the byte count, or null at the end of input. */
  read(into: Uint8Array): Promise<number | null>;
  /** Ends a pending read (its promise then resolves null or rejects) and any later one. */
  cancel(): void;
  /** Writes one reply; `bytes` is reused once the promise settles, so copy it to keep it. */
  write(bytes: Uint8Array): Promise<void>;
}

/** The SDK protocol's entry points that its own `onmessage` dispatches to (see routeTo). */
interface ProtocolEntries {
  _onrequest(message: JSONRPCMessage, extra?: unknown): void;
  _onnotification(message: JSONRPCMessage): void;
  _onresponse(message: JSONRPCMessage): void;
}

/** Reads of a stream, for LineStreams built on one (tests, other transports). */
export function readsOf(
  readable: ReadableStream<Uint8Array>,
): Pick<LineStreams, "read" | "cancel"> {
  const reader = readable.getReader();
  let left: Uint8Array = new Uint8Array(0);
  return {
    async read(into) {
      if (left.length === 0) {
        const { value, done } = await reader.read();
        if (done) return null;
        left = value;
      }
      const n = Math.min(into.length, left.length);
      into.set(left.subarray(0, n));
      left = left.subarray(n);
      return n;
    },
    cancel: () => void reader.cancel().catch(() => {}),
  };
}

/**
 * Newline-delimited JSON-RPC over stdin/stdout. Unlike the SDK's stdio transport it answers
 * malformed JSON (-32700), invalid JSON-RPC (-32600) and oversized messages instead of
 * dropping them, and closes when stdin ends (or, with {@link onend} set, reports the end and keeps
 * writing) or when a write fails (stdout gone: the failure stays quiet, the close says it).
 *
 * Started early (see {@link answerInitializeEarly}) it reads before anyone listens: messages wait
 * in order until `start()` is called again with `onmessage` set (the SDK's connect does that).
 */
export class LineTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  /**
   * Called once when input ends (or a read fails) instead of closing: replies to what was read
   * can still be written, and the owner calls close() when done.
   */
  onend?: () => void;
  onmessage?: (message: JSONRPCMessage) => void;
  #streams: LineStreams;
  #writing: Promise<void> = Promise.resolve();
  #reading = false;
  #closed = false;
  #encoder = new TextEncoder();
  #buffer = new Uint8Array(64 * 1024);
  #decoder = new TextDecoder();
  /** Messages read before a listener was ready, in order. */
  #waiting: JSONRPCMessage[] = [];
  #ready = false;
  /** The server version to answer `initialize` with before the SDK has loaded. */
  #earlyVersion?: string;
  /** The id of the `initialize` answered early: the SDK's own answer to it is dropped. */
  #answeredId?: string | number;
  #firstLine = Promise.withResolvers<void>();
  #routes?: ProtocolEntries;
  #sawLine = false;

  constructor(streams: LineStreams = denoStdio()) {
    this.#streams = streams;
  }

  /**
   * Answers the first well-formed `initialize` at once, as the SDK's Server would (see
   * handshake.ts), and later drops the SDK's own answer to it. The SDK still sees the request,
   * so it knows the client's capabilities. Call before the first `start()`.
   */
  answerInitializeEarly(version: string): void {
    this.#earlyVersion = version;
  }

  /**
   * Resolves once the first line has been handled (an early `initialize` answer is written by
   * then) or input ended. Loading a large module graph blocks the event loop for tens of
   * milliseconds, so the server loads the SDK only after this.
   */
  firstLine(): Promise<void> {
    return this.#firstLine.promise;
  }

  /**
   * Starts reading; resolves at once (the read loop runs until stdin ends). Called again once
   * `onmessage` is set, it delivers what was read meanwhile.
   */
  start(): Promise<void> {
    if (!this.#reading) {
      this.#reading = true;
      this.#readLoop().catch((err) =>
        this.onerror?.(err instanceof Error ? err : new Error(String(err)))
      );
    }
    if (this.onmessage !== undefined && !this.#ready) {
      this.#ready = true;
      for (const message of this.#waiting.splice(0)) this.onmessage?.(message);
    }
    return Promise.resolve();
  }

  /** Writes one message as a line; writes are serialised. */
  send(message: JSONRPCMessage): Promise<void> {
    if (this.#answeredId !== undefined && isResponseTo(message, this.#answeredId)) {
      this.#answeredId = undefined;
      return this.#writing;
    }
    // Well-formed for every client: Rust's serde_json refuses a lone surrogate's escape.
    const line = wellFormedJson(JSON.stringify(message)) + "\n";
    // Encoded when its turn comes, into one reused buffer: writes are serialised, so the buffer
    // is free again by then. TextEncoder.encode allocates per call and cost ~90 µs on a 120 KB
    // reply where encodeInto takes ~4 µs.
    this.#writing = this.#writing.then(() => this.#write(line));
    return this.#writing;
  }

  async #write(line: string): Promise<void> {
    try {
      await this.#streams.write(this.#encode(line));
    } catch {
      // Nobody reads stdout any more (EPIPE): nothing said from now on can arrive, so the
      // session ends now and running work is cancelled, like on SIGTERM.
      this.close();
    }
  }

  /** `line` as UTF-8 in the shared buffer (valid until the next call). */
  #encode(line: string): Uint8Array {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    if (this.#buffer.length < line.length * 3) {
      this.#buffer = new Uint8Array(Math.max(line.length * 3, 2 * this.#buffer.length));
    }
    const { written } = this.#encoder.encodeInto(line, this.#buffer);
    const bytes = this.#buffer.subarray(0, written);
    // A one-off large reply does not keep its buffer: RSS stays small between large reads.
    if (this.#buffer.length > KEEP_BUFFER_BYTES) this.#buffer = new Uint8Array(KEEP_BUFFER_BYTES);
    return bytes;
  }

  /**
   * Hands later messages straight to the connected SDK protocol's request, notification and
   * response handlers. The SDK's own `onmessage` first runs its zod type guards to learn what
   * isJsonRpcMessage has already established here, two of them failing (with their error
   * objects) on every request: ~15 µs a call. An SDK without these entry points keeps its
   * `onmessage`. Call after `connect`.
   */
  routeTo(protocol: object): void {
    const entries = protocol as Partial<ProtocolEntries>;
    if (
      typeof entries._onrequest === "function" && typeof entries._onnotification === "function" &&
      typeof entries._onresponse === "function"
    ) this.#routes = entries as ProtocolEntries;
  }

  /** Stops reading and reports the close once. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    this.#firstLine.resolve();
    if (this.#reading) this.#streams.cancel();
    this.onclose?.();
    return Promise.resolve();
  }

  async #readLoop(): Promise<void> {
    try {
      await this.#readLines();
    } finally {
      this.#firstLine.resolve();
      if (!this.#closed) {
        if (this.onend === undefined) this.close();
        else this.onend();
      }
    }
  }

  async #readLines(): Promise<void> {
    // Raw reads into one buffer: a ReadableStream over stdin costs ~15 µs more per message.
    const buffer = new Uint8Array(READ_BYTES);
    // Bytes of a line that began in an earlier read (empty when lines end inside reads).
    let pending: Uint8Array = new Uint8Array(0);
    let skipping = false;
    while (!this.#closed) {
      let count: number | null;
      try {
        count = await this.#streams.read(buffer);
      } catch (err) {
        if (this.#closed) break; // The pending read was cancelled by close().
        throw err;
      }
      if (count === null) break;
      const value = buffer.subarray(0, count);
      let start = 0;
      let newline: number;
      while ((newline = value.indexOf(10, start)) >= 0) {
        const line = concat(pending, value.subarray(start, newline));
        pending = new Uint8Array(0);
        start = newline + 1;
        if (skipping) {
          skipping = false;
          continue;
        }
        if (line.length > MAX_MESSAGE_BYTES) this.#tooLarge();
        else this.#handleLine(line);
      }
      if (skipping) continue;
      // Copied: the buffer is read into again.
      pending = concat(pending, value.slice(start));
      if (pending.length > MAX_MESSAGE_BYTES) {
        skipping = true;
        pending = new Uint8Array(0);
        this.#tooLarge();
      }
    }
  }

  #handleLine(bytes: Uint8Array): void {
    const text = this.#decoder.decode(bytes).trim();
    if (text === "") return;
    this.#dispatch(text);
    if (this.#sawLine) return;
    this.#sawLine = true;
    // After any reply to this line is written (writes are chained).
    this.#writing.then(() => this.#firstLine.resolve(), () => this.#firstLine.resolve());
  }

  #dispatch(text: string): void {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      this.#reject(null, PARSE_ERROR, "Parse error: the message is not valid JSON");
      return;
    }
    if (!isJsonRpcMessage(data)) {
      const id = idOf(data);
      this.#reject(id, INVALID_REQUEST, "Invalid Request: not a JSON-RPC 2.0 message");
      return;
    }
    if (this.#ready) {
      const routes = this.#routes;
      if (routes === undefined) this.onmessage?.(data);
      else if (!("method" in data)) routes._onresponse(data);
      else if ("id" in data) routes._onrequest(data, undefined);
      else routes._onnotification(data);
      return;
    }
    const early = this.#earlyVersion;
    if (early !== undefined) {
      const id = initializeRequestId(data);
      if (id !== undefined) {
        this.#earlyVersion = undefined;
        const requested = (data as unknown as { params: { protocolVersion: string } }).params
          .protocolVersion;
        const reply = { jsonrpc: "2.0", id, result: initializeResult(requested, early) };
        this.send(reply as unknown as JSONRPCMessage).catch(() => {});
        this.#answeredId = id; // Set after sending: only the SDK's answer is dropped.
      }
    }
    this.#waiting.push(data);
  }

  #tooLarge(): void {
    this.#reject(
      null,
      INVALID_REQUEST,
      `Invalid Request: over ${MAX_MESSAGE_BYTES} bytes`,
    );
  }

  #reject(id: string | number | null, code: number, message: string): void {
    const reply = { jsonrpc: "2.0", id, error: { code, message } };
    this.send(reply as unknown as JSONRPCMessage).catch(() => {});
  }
}

/**
 * The shape check of a JSON-RPC 2.0 request, notification or response: a few property tests
 * instead of the SDK's zod union, which cost more than the rest of a small call. The SDK still
 * validates each request's params against its method's schema.
 */
export function isJsonRpcMessage(data: unknown): data is JSONRPCMessage {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return false;
  const m = data as Record<string, unknown>;
  if (m.jsonrpc !== "2.0") return false;
  const hasId = typeof m.id === "string" || (typeof m.id === "number" && Number.isInteger(m.id));
  const params = m.params;
  if ("method" in m) {
    if (typeof m.method !== "string") return false;
    if (params !== undefined && !isPlainObject(params)) return false;
    return hasId || !("id" in m);
  }
  if (!hasId) return "error" in m && m.id === null && isError(m.error);
  if ("result" in m) return isPlainObject(m.result) && !("error" in m);
  return isError(m.error);
}

function isPlainObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isError(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  const error = value as Record<string, unknown>;
  return typeof error.code === "number" && typeof error.message === "string";
}

function isResponseTo(message: JSONRPCMessage, id: string | number): boolean {
  const m = message as Record<string, unknown>;
  return m.id === id && !("method" in m) && ("result" in m || "error" in m);
}

function idOf(data: unknown): string | number | null {
  if (typeof data !== "object" || data === null) return null;
  const id = (data as { id?: unknown }).id;
  return typeof id === "string" || typeof id === "number" ? id : null;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function denoStdio(): LineStreams {
  return {
    read: (into) => Deno.stdin.read(into),
    cancel() {
      try {
        Deno.stdin.close();
      } catch {
        // Already closed.
      }
    },
    async write(bytes) {
      let written = 0;
      if (bytes.length <= SYNC_WRITE_BYTES) {
        // An async write costs a thread hop per reply; a small one fits the pipe at once.
        while (written < bytes.length) written += Deno.stdout.writeSync(bytes.subarray(written));
        return;
      }
      while (written < bytes.length) written += await Deno.stdout.write(bytes.subarray(written));
    },
  };
}
