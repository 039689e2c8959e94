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

/** Remembers, for one session, which files were read and what they held then. */
export class ReadLedger {
  #stamps = new Map<string, LedgerEntry>();
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

  /** Records the content of `abs` as just read (or just written by a tool). */
  async record(abs: string, bytes: Uint8Array, source: "read" | "write" = "read"): Promise<void> {
    const stamp = await stampOf(bytes);
    this.#stamps.set(abs, { ...stamp, seq: ++this.#seq, source });
  }

  /** The latest entry for `abs`, if it was read or written this session. */
  get(abs: string): LedgerEntry | undefined {
    return this.#stamps.get(abs);
  }

  /** Drops what is known about `abs`. */
  forget(abs: string): void {
    this.#stamps.delete(abs);
  }
}

/** SHA-256 stamp of some bytes. */
export function stampOf(bytes: Uint8Array): Promise<FileStamp> {
  // node:crypto hashes synchronously: crypto.subtle's thread hop cost more than the hash itself.
  const hash = createHash("sha256").update(bytes).digest("hex");
  return Promise.resolve({ size: bytes.length, hash });
}
