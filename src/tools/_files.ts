import { Buffer } from "node:buffer";
import { basename, dirname, join } from "node:path";
import { LoomError, refuseSpecialFile } from "../core/mod.ts";
import type { GuardedPath, PathGuard, ReadLedger } from "../workspace/mod.ts";
import { isReadOnlyFs } from "../workspace/mod.ts";
import { formatCount } from "./_text.ts";

/** Files larger than this are never loaded by the file tools. */
export const MAX_FILE_BYTES = 50 * 1024 * 1024;

/**
 * An existing file's bytes and info, refusing directories and oversized files. The file is
 * opened once and stat'ed through its handle (no second lookup of the path); small files are
 * read synchronously (see SYNC_IO_BYTES). Filesystem errors are thrown as they come.
 */
export async function readFileChecked(
  abs: string,
  verb: string,
  shown: string,
  signal?: AbortSignal,
): Promise<{ bytes: Uint8Array; info: Deno.FileInfo }> {
  refuseSpecialFile(abs, verb, shown);
  const file = Deno.openSync(abs, { read: true });
  let info: Deno.FileInfo;
  try {
    info = checkedFile(file.statSync(), verb, shown);
    if (info.size <= SYNC_IO_BYTES) return { bytes: readAllSync(file, info.size), info };
  } finally {
    file.close();
  }
  return { bytes: await Deno.readFile(abs, { signal }), info };
}

/** Reads `file` to its end; `size` (from its stat) sizes the buffer, growth is still read. */
function readAllSync(file: Deno.FsFile, size: number): Uint8Array {
  // One spare byte: filling it means the file grew since the stat.
  let buffer = new Uint8Array(size + 1);
  let length = 0;
  while (true) {
    if (length === buffer.length) {
      const bigger = new Uint8Array(buffer.length * 2);
      bigger.set(buffer);
      buffer = bigger;
    }
    const got = file.readSync(buffer.subarray(length));
    if (got === null || got === 0) return buffer.subarray(0, length);
    length += got;
  }
}

/** Per call (see beginCall): paths permission() resolved, for run() to take once. */
const resolutions = new WeakMap<object, Map<string, GuardedPath>>();

/**
 * Marks `ctx` as one call's own context: a path its permission() resolves through
 * {@link guardPath} is handed to its run() instead of being resolved (realpath'd) again.
 * runTool calls it right after making the per-call context.
 */
export function beginCall(ctx: object): void {
  resolutions.set(ctx, new Map());
}

/** Drops what beginCall kept: run() resolves afresh (after a person was asked, say). */
export function endReuse(ctx: object): void {
  resolutions.delete(ctx);
}

/**
 * `ctx.guard.resolveForRead` / `resolveForWrite`, except that within one call (see beginCall) the
 * second request for the same path takes the first answer, once: the run then acts on exactly
 * what the permission was decided on, with one realpath instead of two.
 */
export function guardPath(
  ctx: { guard: PathGuard },
  path: string,
  mode: "read" | "write",
): Promise<GuardedPath> {
  const memo = resolutions.get(ctx);
  const key = `${mode}\0${path}`;
  const known = memo?.get(key);
  if (known !== undefined) {
    memo!.delete(key);
    return Promise.resolve(known);
  }
  const guarded = mode === "read"
    ? ctx.guard.resolveForRead(path)
    : ctx.guard.resolveForWrite(path);
  return memo === undefined ? guarded : guarded.then((g) => {
    memo.set(key, g);
    return g;
  });
}

/** Throws CANCELLED when the tool call was aborted. */
export function throwIfAborted(signal: AbortSignal, verb: string, shown: string): void {
  if (signal.aborted) {
    throw new LoomError("CANCELLED", `Cannot ${verb} "${shown}": the call was cancelled`);
  }
}

function checkedFile(info: Deno.FileInfo, verb: string, shown: string): Deno.FileInfo {
  if (info.isDirectory) {
    const hint = verb === "read" ? "use directory_list to see its contents" : "give a file path";
    throw new LoomError("INVALID_INPUT", `Cannot ${verb} "${shown}": it is a directory; ${hint}`);
  }
  if (info.size > MAX_FILE_BYTES) {
    throw new LoomError(
      "TOO_LARGE",
      `Cannot ${verb} "${shown}": it is ${formatCount(info.size)} bytes, over the ${
        formatCount(MAX_FILE_BYTES)
      } byte limit; use content_search or shell tools to inspect it`,
    );
  }
  return info;
}

/** Turns a filesystem error into a LoomError the model can act on; other errors pass through. */
export function fsError(err: unknown, verb: string, shown: string): unknown {
  if (err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied) {
    return new LoomError("DENIED", `Cannot ${verb} "${shown}": permission denied`, { cause: err });
  }
  if (isReadOnlyFs(err)) {
    return new LoomError(
      "DENIED",
      `Cannot ${verb} "${shown}": the file system is read-only; make the project writable first`,
      { cause: err },
    );
  }
  if (err instanceof Deno.errors.NotADirectory || err instanceof Deno.errors.AlreadyExists) {
    return new LoomError(
      "INVALID_INPUT",
      `Cannot ${verb} "${shown}": a parent of it is a file, not a directory`,
      { cause: err },
    );
  }
  return err;
}

/**
 * An existing file as read: its bytes and mode. A small file stays open (dispose it, e.g. with
 * `using`) so that {@link unchangedSince} can re-read it through the same handle.
 */
export interface ExistingFile extends Disposable {
  bytes: Uint8Array;
  mode: number | undefined;
  /** The open file and its identity (small files only). */
  open?: { file: Deno.FsFile; dev: number; ino: number | null };
}

/** What an existing file holds now, with its mode; undefined when there is no such file. */
export async function readIfExists(
  abs: string,
  verb: string,
  shown: string,
  afterReply?: (work: () => void) => void,
): Promise<ExistingFile | undefined> {
  let file: Deno.FsFile;
  try {
    refuseSpecialFile(abs, verb, shown);
    file = Deno.openSync(abs, { read: true });
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw fsError(err, verb, shown);
  }
  try {
    const info = checkedFile(file.statSync(), verb, shown);
    if (info.size <= SYNC_IO_BYTES) {
      const bytes = readAllSync(file, info.size);
      const open = { file, dev: info.dev, ino: info.ino };
      // Closing the handle of a file the write replaced frees its blocks, tens of µs of kernel
      // work that need not come before the answer.
      const close = () => file.close();
      const dispose = () => afterReply ? afterReply(close) : close();
      return { bytes, mode: info.mode ?? undefined, open, [Symbol.dispose]: dispose };
    }
    file.close();
    const bytes = await Deno.readFile(abs);
    return { bytes, mode: info.mode ?? undefined, [Symbol.dispose]: () => {} };
  } catch (err) {
    try {
      file.close();
    } catch {
      // Closed above.
    }
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw fsError(err, verb, shown);
  }
}

/**
 * A `beforeRename` check: the file must still hold what `existing` held (or still not exist).
 * A small file read by {@link readIfExists} is re-read through its open handle once a stat of
 * the path shows the same file is still there: one lookup instead of an open, a stat and a close.
 */
export function unchangedSince(
  abs: string,
  existing: ExistingFile | undefined,
  verb: string,
  shown: string,
): () => Promise<void> {
  return async () => {
    const expected = existing?.bytes;
    let now: Uint8Array | undefined;
    const open = existing?.open;
    if (open && open.ino !== null && sameFile(abs, open)) {
      open.file.seekSync(0, Deno.SeekMode.Start);
      now = readAllSync(open.file, expected!.length);
    } else {
      try {
        now = (await readFileChecked(abs, verb, shown)).bytes;
      } catch (err) {
        if (!(err instanceof Deno.errors.NotFound)) throw err;
      }
    }
    // The bytes themselves are compared (memcmp), not their hashes: cheaper, and exact.
    if (!sameBytes(now, expected)) {
      throw new LoomError(
        "STALE_FILE",
        `Cannot ${verb} "${shown}": it changed on disk while being written; call file_read on it again`,
      );
    }
  };
}

/** True when `abs` is still the file `open` was opened as (not replaced, not removed). */
function sameFile(abs: string, open: { dev: number; ino: number | null }): boolean {
  try {
    const info = Deno.statSync(abs);
    return info.ino === open.ino && info.dev === open.dev;
  } catch {
    return false; // Gone or unreadable: the path read decides.
  }
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length &&
    Buffer.from(a.buffer, a.byteOffset, a.length).equals(
      Buffer.from(b.buffer, b.byteOffset, b.length),
    );
}

/**
 * Refuses to overwrite a file the session has not read, or that changed since.
 * `startSeq` is `ledger.seq` taken when the call began: a tool write recorded after it means a
 * concurrent call changed the file first, so this call's view is stale too.
 */
export function assertFresh(
  ledger: ReadLedger,
  abs: string,
  current: Uint8Array,
  startSeq: number,
  verb: string,
  shown: string,
): void {
  const entry = ledger.peek(abs);
  if (entry === undefined) {
    if (ledger.implicitReads) return;
    throw new LoomError(
      "NOT_READ",
      `Cannot ${verb} "${shown}": it exists and was not read in this session; call file_read on it first`,
    );
  }
  if (!ledger.holds(abs, current)) {
    throw new LoomError(
      "STALE_FILE",
      `Cannot ${verb} "${shown}": it changed on disk since it was last read; call file_read on it again`,
    );
  }
  if (entry.source === "write" && entry.seq > startSeq) {
    throw new LoomError(
      "STALE_FILE",
      `Cannot ${verb} "${shown}": another tool call changed it while this one was running; call file_read on it again`,
    );
  }
}

const locks = new Map<string, Promise<void>>();

/** Runs `fn` while holding this process's lock on `abs`, so writes to one path never overlap. */
export async function withFileLock<T>(abs: string, fn: () => Promise<T>): Promise<T> {
  const previous = locks.get(abs) ?? Promise.resolve();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  const mine = previous.then(() => gate);
  locks.set(abs, mine);
  await previous;
  try {
    return await fn();
  } finally {
    release();
    if (locks.get(abs) === mine) locks.delete(abs);
  }
}

import { SYNC_IO_BYTES } from "./_atomic.ts";
export { SYNC_IO_BYTES, writeFileAtomic } from "./_atomic.ts";
export type { AtomicWriteOptions } from "./_atomic.ts";

/** NOT_FOUND for a missing file, with a "Did you mean" hint when a close name exists. */
export async function notFoundError(
  guard: PathGuard,
  abs: string,
  verb: string,
  shown: string,
): Promise<LoomError> {
  const suggestion = await suggestPath(guard, abs);
  const hint = suggestion === undefined ? "" : `. Did you mean "${suggestion}"?`;
  return new LoomError("NOT_FOUND", `Cannot ${verb} "${shown}": no such file${hint}`);
}

/** A "Did you mean" hint: the closest existing name beside `abs`, or in its parent directory. */
export async function suggestPath(guard: PathGuard, abs: string): Promise<string | undefined> {
  const dir = dirname(abs);
  const name = basename(abs);
  if (await isDirectory(dir)) {
    const here = await closestEntry(dir, name, () => true);
    return here === undefined ? undefined : guard.relativeOf(join(dir, here));
  }
  // The directory itself is missing: look for a similarly named one beside it.
  const parent = dirname(dir);
  if (parent === dir || !guard.contains(parent)) return undefined;
  const sibling = await closestEntry(parent, basename(dir), (e) => e.isDirectory);
  if (sibling === undefined) return undefined;
  const inSibling = await closestEntry(join(parent, sibling), name, () => true);
  return inSibling === undefined ? undefined : guard.relativeOf(join(parent, sibling, inSibling));
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}

async function closestEntry(
  dir: string,
  name: string,
  accept: (entry: Deno.DirEntry) => boolean,
): Promise<string | undefined> {
  const wanted = name.toLowerCase();
  let best: { name: string; score: number } | undefined;
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (!accept(entry)) continue;
      const score = editDistance(wanted, entry.name.toLowerCase());
      if (
        best === undefined || score < best.score ||
        (score === best.score && entry.name < best.name)
      ) best = { name: entry.name, score };
    }
  } catch {
    return undefined;
  }
  const threshold = Math.max(1, Math.floor(name.length / 3));
  return best !== undefined && best.score <= threshold ? best.name : undefined;
}

/** Edit distance counting a swap of two neighbours as one edit (optimal string alignment). */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 10) return Infinity;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}
