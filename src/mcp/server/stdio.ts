import { ErrorCode } from "./_sdk.ts";
import type { JSONRPCMessage, Transport } from "./_sdk.ts";

/** Messages above this many bytes are refused (and skipped up to the next newline). */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/** Where the transport reads and writes; the real process streams by default. */
export interface LineStreams {
  readable: ReadableStream<Uint8Array>;
  write(bytes: Uint8Array): Promise<void>;
}

/**
 * Newline-delimited JSON-RPC over stdin/stdout. Unlike the SDK's stdio transport it answers
 * malformed JSON (-32700), invalid JSON-RPC (-32600) and oversized messages instead of
 * dropping them, and closes when stdin ends.
 */
export class LineTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  #streams: LineStreams;
  #writing: Promise<void> = Promise.resolve();
  #reader?: ReadableStreamDefaultReader<Uint8Array>;
  #closed = false;
  #encoder = new TextEncoder();
  #decoder = new TextDecoder();

  constructor(streams: LineStreams = denoStdio()) {
    this.#streams = streams;
  }

  /** Starts reading; resolves at once (the read loop runs until stdin ends). */
  start(): Promise<void> {
    this.#reader = this.#streams.readable.getReader();
    this.#readLoop().catch((err) =>
      this.onerror?.(err instanceof Error ? err : new Error(String(err)))
    );
    return Promise.resolve();
  }

  /** Writes one message as a line; writes are serialised. */
  send(message: JSONRPCMessage): Promise<void> {
    const bytes = this.#encoder.encode(JSON.stringify(message) + "\n");
    this.#writing = this.#writing.then(() => this.#streams.write(bytes));
    return this.#writing;
  }

  /** Stops reading and reports the close once. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#reader?.cancel().catch(() => {});
    this.onclose?.();
  }

  async #readLoop(): Promise<void> {
    const reader = this.#reader!;
    // Bytes of a line that began in an earlier chunk (empty when lines end inside chunks).
    let pending: Uint8Array = new Uint8Array(0);
    let skipping = false;
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
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
      pending = concat(pending, value.subarray(start));
      if (pending.length > MAX_MESSAGE_BYTES) {
        skipping = true;
        pending = new Uint8Array(0);
        this.#tooLarge();
      }
    }
    await this.close();
  }

  #handleLine(bytes: Uint8Array): void {
    const text = this.#decoder.decode(bytes).trim();
    if (text === "") return;
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      this.#reject(null, ErrorCode.ParseError, "Parse error: the message is not valid JSON");
      return;
    }
    if (!isJsonRpcMessage(data)) {
      const id = idOf(data);
      this.#reject(id, ErrorCode.InvalidRequest, "Invalid Request: not a JSON-RPC 2.0 message");
      return;
    }
    this.onmessage?.(data);
  }

  #tooLarge(): void {
    this.#reject(
      null,
      ErrorCode.InvalidRequest,
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
    readable: Deno.stdin.readable,
    async write(bytes) {
      let written = 0;
      while (written < bytes.length) written += await Deno.stdout.write(bytes.subarray(written));
    },
  };
}
