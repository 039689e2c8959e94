import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";

/** What a file looked like when a tool last read or wrote it. */
export interface FileStamp {
  size: number;
  hash: string;
}

/** A ledger entry: the stamp, who recorded it and when (in ledger order). */
export interface LedgerEntry extends FileStamp {
  /** Position in the ledger's sequence; compare with `ReadLedger.seq` taken earlier. */
  seq: number;
  source: "read" | "write";
}

/** Bytes of recorded files kept unhashed, at most; past this the oldest are hashed. */
const MAX_UNHASHED_BYTES = 4 * 1024 * 1024;

/** Remembers, for one session, which files were read and what they held then. */
export class ReadLedger {
  #stamps = new Map<string, LedgerEntry>();
  /**
   * Recorded bytes not hashed yet, oldest first. Most reads are never followed by a write, so
   * their SHA-256 (~80 µs on 100 KB) is taken only when `get` needs it, or when the bytes kept
   * this way pass MAX_UNHASHED_BYTES. A file recorded again drops its earlier bytes unhashed.
   */
  #unhashed = new Map<string, Uint8Array>();
  #unhashedBytes = 0;
  #seq = 0;
  /**
   * True when the caller is a person running one tool by hand (`loom tool`): they have seen the
   * file, so an overwrite needs no earlier file_read. Concurrent writes are still caught.
   */
  readonly implicitReads: boolean;

  constructor(options: { implicitReads?: boolean } = {}) {
    this.implicitReads = options.implicitReads ?? false;
  }

  /** The sequence number of the latest record; capture it to detect records made later. */
  get seq(): number {
    return this.#seq;
  }

  /**
   * Records the content of `abs` as just read (or just written by a tool). The ledger may keep
   * `bytes` until it hashes them: the caller must not change them afterwards.
   */
  record(abs: string, bytes: Uint8Array, source: "read" | "write" = "read"): Promise<void> {
    this.#dropUnhashed(abs);
    this.#stamps.set(abs, { size: bytes.length, hash: "", seq: ++this.#seq, source });
    this.#unhashed.set(abs, bytes);
    this.#unhashedBytes += bytes.length;
    while (this.#unhashedBytes > MAX_UNHASHED_BYTES) {
      this.#hash(this.#unhashed.keys().next().value!);
    }
    return Promise.resolve();
  }

  /** The latest entry for `abs`, if it was read or written this session. */
  get(abs: string): LedgerEntry | undefined {
    if (this.#unhashed.has(abs)) this.#hash(abs);
    return this.#stamps.get(abs);
  }

  /** The latest entry for `abs` without hashing it (its `hash` may still be empty). */
  peek(abs: string): Readonly<LedgerEntry> | undefined {
    return this.#stamps.get(abs);
  }

  /**
   * True when `bytes` are what was last recorded for `abs`: compared byte for byte while the
   * recorded bytes are still kept (no hashing at all), else by size and SHA-256.
   */
  holds(abs: string, bytes: Uint8Array): boolean {
    const entry = this.#stamps.get(abs);
    if (entry === undefined || entry.size !== bytes.length) return false;
    const kept = this.#unhashed.get(abs);
    if (kept !== undefined) {
      return Buffer.from(kept.buffer, kept.byteOffset, kept.length)
        .equals(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
    }
    return entry.hash === hashOf(bytes);
  }

  /** Drops what is known about `abs`. */
  forget(abs: string): void {
    this.#dropUnhashed(abs);
    this.#stamps.delete(abs);
  }

  #hash(abs: string): void {
    const bytes = this.#unhashed.get(abs)!;
    this.#dropUnhashed(abs);
    this.#stamps.get(abs)!.hash = hashOf(bytes);
  }

  #dropUnhashed(abs: string): void {
    const bytes = this.#unhashed.get(abs);
    if (bytes === undefined) return;
    this.#unhashed.delete(abs);
    this.#unhashedBytes -= bytes.length;
  }
}

/** SHA-256 stamp of some bytes. */
export function stampOf(bytes: Uint8Array): Promise<FileStamp> {
  return Promise.resolve({ size: bytes.length, hash: hashOf(bytes) });
}

function hashOf(bytes: Uint8Array): string {
  // node:crypto hashes synchronously: crypto.subtle's thread hop cost more than the hash itself.
  return createHash("sha256").update(bytes).digest("hex");
}
