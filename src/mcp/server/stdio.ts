import { ErrorCode, JSONRPCMessageSchema } from "./_sdk.ts";
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
    let buffer: Uint8Array = new Uint8Array(0);
    let skipping = false;
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer = concat(buffer, value);
      let newline: number;
      while ((newline = buffer.indexOf(10)) >= 0) {
        const line = buffer.subarray(0, newline);
        buffer = buffer.slice(newline + 1);
        if (skipping) {
          skipping = false;
          continue;
        }
        if (line.length > MAX_MESSAGE_BYTES) this.#tooLarge();
        else this.#handleLine(line);
      }
      if (!skipping && buffer.length > MAX_MESSAGE_BYTES) {
        skipping = true;
        buffer = new Uint8Array(0);
        this.#tooLarge();
      } else if (skipping) {
        buffer = new Uint8Array(0);
      }
    }
    await this.close();
  }

  #handleLine(bytes: Uint8Array): void {
    const text = new TextDecoder().decode(bytes).trim();
    if (text === "") return;
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      this.#reject(null, ErrorCode.ParseError, "Parse error: the message is not valid JSON");
      return;
    }
    const parsed = JSONRPCMessageSchema.safeParse(data);
    if (!parsed.success) {
      const id = idOf(data);
      this.#reject(id, ErrorCode.InvalidRequest, "Invalid Request: not a JSON-RPC 2.0 message");
      return;
    }
    this.onmessage?.(parsed.data);
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
