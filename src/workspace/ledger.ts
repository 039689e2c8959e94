/** What a file looked like when a tool last read or wrote it. */
export interface FileStamp {
  size: number;
  hash: string;
}

/** Remembers, for one session, which files were read and what they held then. */
export class ReadLedger {
  #stamps = new Map<string, FileStamp>();

  /** Records the content of `abs` as just read (or just written by a tool). */
  async record(abs: string, bytes: Uint8Array): Promise<void> {
    this.#stamps.set(abs, await stampOf(bytes));
  }

  get(abs: string): FileStamp | undefined {
    return this.#stamps.get(abs);
  }

  forget(abs: string): void {
    this.#stamps.delete(abs);
  }
}

/** SHA-256 stamp of some bytes. */
export async function stampOf(bytes: Uint8Array): Promise<FileStamp> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  const hash = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  return { size: bytes.length, hash };
}
