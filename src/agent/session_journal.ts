// The session journal: one append per commit point instead of a SQLite transaction on the
// agent's critical path. Before the agent waits on the outside world it appends the queued writes
// to its own journal file (a single write(2); a killed process keeps what reached the kernel), then
// applies them to SQLite as soon as the event loop is free, while the model or tool works. A
// journal left by a process that died is replayed into SQLite by the next store that opens the
// database, exactly once: each apply records in the same transaction how far it got.
//
// A writer holds an exclusive flock on its journal for as long as it lives; a journal whose lock
// can be taken belongs to nobody and is safe to replay and delete.
import { LoomError } from "../core/mod.ts";

/**
 * A value a queued write binds to its statement. An object or array is a JSON column's value,
 * serialised once: inside the journal record, and to text only when SQLite gets it.
 */
export type OpValue = string | number | null | object;
/** One queued write: what it is (a key into the store's statements) and its values. */
export type Op = [name: string, ...values: OpValue[]];
/** One commit point's writes, numbered in the journal's order. */
export interface JournalRecord {
  seq: number;
  ops: Op[];
}

const SUFFIX = ".jsonl";
const TEMP = ".tmp";
const STALE_TEMP_MS = 60_000;
const utf8 = new TextEncoder();

/** The journal one session store appends to. */
export class SessionJournal {
  readonly id: string;
  readonly path: string;
  #file: Deno.FsFile;
  #seq = 0;
  /**
   * Set when a failed write could not be cut off: records appended after the half one would be
   * hidden from a replay, so nothing more may be appended (the file stays, locked, for its
   * earlier records).
   */
  broken = false;
  #size = 0;
  /** Reused for each record's bytes. */
  #buffer = new Uint8Array(16 * 1024);

  private constructor(id: string, path: string, file: Deno.FsFile) {
    this.id = id;
    this.path = path;
    this.#file = file;
  }

  /**
   * Creates a journal in `dir`, locked before it gets the name recovery looks for, so no other
   * process can take a live journal for an abandoned one.
   */
  static create(dir: string): SessionJournal {
    const id = crypto.randomUUID();
    const temp = `${dir}/.${id}${TEMP}`;
    const path = `${dir}/${id}${SUFFIX}`;
    try {
      Deno.mkdirSync(dir, { recursive: true });
      const file = Deno.openSync(temp, { append: true, createNew: true });
      try {
        file.lockSync(true);
        Deno.renameSync(temp, path);
      } catch (err) {
        file.close();
        throw err;
      }
      return new SessionJournal(id, path, file);
    } catch (cause) {
      throw journalError(dir, cause);
    }
  }

  /** Appends one record (one write) and returns its sequence number. */
  append(ops: Op[]): number {
    const seq = ++this.#seq;
    const text = JSON.stringify({ seq, ops }) + "\n";
    // UTF-8 takes at most three bytes per UTF-16 unit.
    if (this.#buffer.length < text.length * 3) this.#buffer = new Uint8Array(text.length * 3);
    const bytes = this.#buffer.subarray(0, utf8.encodeInto(text, this.#buffer).written);
    try {
      let done = 0;
      while (done < bytes.length) done += this.#file.writeSync(bytes.subarray(done));
    } catch (cause) {
      // No half record may stay in front of later ones: a replay stops at the first bad line.
      try {
        this.#file.truncateSync(this.#size);
      } catch {
        this.broken = true;
      }
      throw journalError(this.path, cause);
    }
    this.#size += bytes.length;
    return seq;
  }

  /**
   * Empties the file, once everything in it is in SQLite, when it has grown past `limit` bytes
   * (later records keep counting up). Not every time: appending to a file just emptied costs the
   * kernel a block allocation per write, several times the write itself.
   */
  trim(limit = 8 * 1024 * 1024): void {
    if (this.#size <= limit) return;
    this.#file.truncateSync(0);
    this.#size = 0;
  }

  /** Closes the journal; `remove` deletes the file first (everything in it must be applied). */
  close(remove: boolean): void {
    if (remove) {
      try {
        Deno.removeSync(this.path);
      } catch { /* already gone: nothing to replay either way */ }
    }
    this.#file.close();
  }
}

/** A journal nobody holds: its id, its records (a torn last line left out) and how to end it. */
export interface AbandonedJournal {
  id: string;
  records: JournalRecord[];
  /** Deletes the file and releases it; false when the file could not be deleted. */
  discard(): boolean;
  /** Releases it untouched (to try again later). Both may be called more than once. */
  release(): void;
}

/**
 * The journals in `dir` whose writers are gone, locked for the caller. A missing directory has
 * none; an unreadable one is an error.
 */
export function abandonedJournals(dir: string): AbandonedJournal[] {
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(dir)];
  } catch (cause) {
    if (cause instanceof Deno.errors.NotFound || cause instanceof Deno.errors.NotADirectory) {
      return [];
    }
    throw journalError(dir, cause, "read");
  }
  const found: AbandonedJournal[] = [];
  try {
    for (const entry of entries) {
      if (!entry.isFile) continue;
      const path = `${dir}/${entry.name}`;
      if (entry.name.startsWith(".") && entry.name.endsWith(TEMP)) removeUnlocked(path);
      else if (entry.name.endsWith(SUFFIX)) {
        const journal = takeJournal(path, entry.name.slice(0, -SUFFIX.length));
        if (journal) found.push(journal);
      }
    }
  } catch (err) {
    for (const journal of found) journal.release();
    throw err;
  }
  return found;
}

/** Locks and reads one journal; undefined when its writer holds it or has just removed it. */
function takeJournal(path: string, id: string): AbandonedJournal | undefined {
  let file: Deno.FsFile;
  try {
    // Read-only is enough for flock, and works on a file system mounted read-only.
    file = Deno.openSync(path, { read: true });
  } catch (cause) {
    if (cause instanceof Deno.errors.NotFound) return undefined;
    throw journalError(path, cause, "read");
  }
  let text: string;
  try {
    if (!tryLock(file)) {
      file.close();
      return undefined;
    }
    text = Deno.readTextFileSync(path);
  } catch (cause) {
    file.close();
    // Its writer closed cleanly between our open and our lock: the file is gone with it.
    if (cause instanceof Deno.errors.NotFound) return undefined;
    throw journalError(path, cause, "read");
  }
  let open = true;
  const release = () => {
    if (open) file.close();
    open = false;
  };
  return {
    id,
    records: parseJournal(text),
    discard() {
      try {
        Deno.removeSync(path);
        return true;
      } catch {
        return false;
      } finally {
        release();
      }
    },
    release,
  };
}

/**
 * Deletes a journal that never got its name (its writer died creating it). Only an old one: a
 * writer holds its new file unlocked for the moment between creating and locking it.
 */
function removeUnlocked(path: string): void {
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(path, { read: true });
  } catch {
    return;
  }
  try {
    const made = file.statSync().mtime?.getTime() ?? 0;
    if (Date.now() - made > STALE_TEMP_MS && tryLock(file)) Deno.removeSync(path);
  } catch {
    /* another store removed it first */
  } finally {
    file.close();
  }
}

/** Takes the lock when free; false when held, or when the file system cannot lock (never replay). */
function tryLock(file: Deno.FsFile): boolean {
  try {
    return file.tryLockSync(true);
  } catch {
    return false;
  }
}

/** The complete records of a journal's text; a line cut short by a crash ends the list. */
export function parseJournal(text: string): JournalRecord[] {
  const records: JournalRecord[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    try {
      const record = JSON.parse(line) as JournalRecord;
      if (typeof record.seq === "number" && Array.isArray(record.ops)) records.push(record);
    } catch {
      break;
    }
  }
  return records;
}

function journalError(path: string, cause: unknown, verb = "write"): LoomError {
  const why = cause instanceof Error ? cause.message : String(cause);
  return new LoomError(
    "UNAVAILABLE",
    `Cannot ${verb} the session journal "${path}": ${why}; make the directory ${
      verb === "write" ? "writable" : "readable"
    } or set LOOM_DB_PATH`,
    { cause },
  );
}
