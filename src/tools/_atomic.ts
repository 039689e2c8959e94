import { basename, dirname, join } from "node:path";
import { finishBeforeExit } from "../core/mod.ts";

/**
 * Up to this size files are read and written with synchronous calls: each async file op costs a
 * thread hop (~30 µs here) that dwarfs the work on small files; larger ones keep the loop free.
 */
export const SYNC_IO_BYTES = 1024 * 1024;

/** Options for {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** Exact mode for the file (kept from the file being replaced); new files get 0644 minus umask. */
  mode?: number;
  /** Last check before the rename; throwing aborts the write and removes the temp file. */
  beforeRename?: () => Promise<void>;
  /**
   * Flush the data before the rename and the directory after it (`[files] fsync`), so a write
   * reported done survives a power cut. Without it the write is still atomic: a crash of Loom
   * leaves the old file or the new one, never a torn one.
   */
  flush?: boolean;
}

/**
 * Writes a temp file beside `abs` and renames it over `abs`. With `flush`, the temp file's data
 * is flushed first (fdatasync: the size is flushed too, the timestamps need not be) and the
 * directory in the background afterwards, so the rename itself survives a power cut. Small files
 * use synchronous calls (see SYNC_IO_BYTES).
 */
export async function writeFileAtomic(
  abs: string,
  bytes: Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const dir = dirname(abs);
  const tmp = join(dir, `.${basename(abs).slice(0, 100)}.loom-${crypto.randomUUID()}.tmp`);
  try {
    const flush = options.flush ?? false;
    if (bytes.length <= SYNC_IO_BYTES) writeTempSync(tmp, bytes, options.mode, flush);
    else await writeTemp(tmp, bytes, options.mode, flush);
    await options.beforeRename?.();
    Deno.renameSync(tmp, abs);
  } catch (err) {
    try {
      Deno.removeSync(tmp);
    } catch {
      // Never created, or already gone.
    }
    throw err;
  }
  // Unflushed data behind a durable rename could surface as an empty file after a power cut:
  // the directory is flushed only when the data was.
  if (options.flush) syncDirSoon(dir);
}

/**
 * Creates `path` with `mode` (permission bits given at creation; a umask that strips some, or
 * setuid/setgid/sticky bits, take a chmod), so the mode is flushed with the data and an unchanged
 * mode costs no extra call. Returns the open file.
 */
function createWithMode(path: string, mode: number | undefined): Deno.FsFile {
  const wanted = mode === undefined ? undefined : mode & 0o7777;
  const file = Deno.openSync(path, { write: true, createNew: true, mode: wanted ?? 0o644 });
  try {
    if (wanted !== undefined && ((file.statSync().mode ?? wanted) & 0o7777) !== wanted) {
      Deno.chmodSync(path, wanted);
    }
  } catch (err) {
    file.close();
    throw err;
  }
  return file;
}

function writeTempSync(
  path: string,
  bytes: Uint8Array,
  mode: number | undefined,
  flush: boolean,
): void {
  const file = createWithMode(path, mode);
  try {
    let written = 0;
    while (written < bytes.length) written += file.writeSync(bytes.subarray(written));
    if (flush) file.syncDataSync();
  } finally {
    file.close();
  }
}

async function writeTemp(
  path: string,
  bytes: Uint8Array,
  mode: number | undefined,
  flush: boolean,
): Promise<void> {
  const file = createWithMode(path, mode);
  try {
    let written = 0;
    while (written < bytes.length) written += await file.write(bytes.subarray(written));
    if (flush) await file.syncData();
  } finally {
    file.close();
  }
}

const dirSyncs = new Map<string, { again: boolean; done: Promise<void> }>();

/**
 * Flushes `dir` (making renames in it durable) off the reply's path: the new content was
 * flushed before the rename, so a crash before this lands leaves the old file whole, never a
 * torn one. Requests for a directory already being flushed coalesce into one more flush.
 */
function syncDirSoon(dir: string): void {
  const running = dirSyncs.get(dir);
  if (running) {
    running.again = true;
    return;
  }
  const entry = { again: false, done: Promise.resolve() };
  entry.done = (async () => {
    do {
      entry.again = false;
      await syncDir(dir);
    } while (entry.again);
    dirSyncs.delete(dir);
  })();
  dirSyncs.set(dir, entry);
  finishBeforeExit(entry.done);
}

async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await Deno.open(dir, { read: true });
    try {
      await handle.sync();
    } finally {
      handle.close();
    }
  } catch {
    // Not every platform lets a directory be fsynced; the rename itself is still atomic.
  }
}
