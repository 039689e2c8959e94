// Which Loom process is using a session. Two processes appending to one session would interleave
// two conversations and give out the same sequence numbers (SQLite then refuses the second
// process's messages). So a process that binds an agent to a session holds an exclusive flock on
// that session's lock file for as long as it runs: another process that wants the session sees it
// is in use (and the agent continues in a fork of it). The kernel drops the lock when the process
// ends, however it ends, so a crash never leaves a session locked.
//
// flock belongs to an open file, not a process: a second open in the same process would conflict
// with the first. So each process opens a session's lock file once and keeps it (agents of one
// process share their sessions: the REPL builds a new agent on the same session when the model
// changes).

/** The lock files this process holds, by path. */
const held = new Map<string, Deno.FsFile>();

/** Where the lock files of a database's sessions live (undefined for an in-memory database). */
export function leaseDir(dbLocation: string | null | undefined): string | undefined {
  return dbLocation ? `${dbLocation}.sessions.d` : undefined;
}

/**
 * Takes the session for this process: true when it is ours now (or already was), false when
 * another process holds it. Where locks cannot be taken at all (no directory, a file system
 * without flock), there is nothing to go by and the answer is true, as before leases existed.
 */
export function leaseSession(dir: string | undefined, id: string): boolean {
  const lock = freshLock(dir, id);
  if (lock === undefined) return true;
  if (!tryLock(lock.file)) {
    lock.file.close();
    return false;
  }
  held.set(lock.path, lock.file);
  return true;
}

/** True when another process holds the session (this one's own sessions are not in use). */
export function sessionInUse(dir: string | undefined, id: string): boolean {
  const lock = freshLock(dir, id);
  if (lock === undefined) return false;
  try {
    return !tryLock(lock.file);
  } finally {
    // Closing the only open file of it drops a lock just taken.
    lock.file.close();
  }
}

/** Lets go of a session this process holds (nothing when it holds none). */
export function releaseSession(dir: string | undefined, id: string): void {
  if (dir === undefined) return;
  const path = lockPath(dir, id);
  const file = held.get(path);
  if (!file) return;
  held.delete(path);
  file.close();
}

/** Deletes a removed session's lock file, when nobody holds it. */
export function forgetSession(dir: string | undefined, id: string): void {
  if (dir === undefined) return;
  releaseSession(dir, id);
  try {
    Deno.removeSync(lockPath(dir, id));
  } catch { /* never made, or already gone */ }
}

/**
 * The session's lock file, opened anew: undefined when this process holds it already, or when
 * there is none to open (no directory, an unwritable one): in each case nobody else is to be
 * waited for.
 */
function freshLock(
  dir: string | undefined,
  id: string,
): { path: string; file: Deno.FsFile } | undefined {
  if (dir === undefined) return undefined;
  const path = lockPath(dir, id);
  if (held.has(path)) return undefined;
  const file = openLock(dir, path);
  return file && { path, file };
}

function lockPath(dir: string, id: string): string {
  // Session ids are UUIDs; anything else is kept to a safe file name.
  return `${dir}/${id.replace(/[^A-Za-z0-9_-]/g, "_")}.lock`;
}

function openLock(dir: string, path: string): Deno.FsFile | undefined {
  try {
    Deno.mkdirSync(dir, { recursive: true });
    // Read access is enough for flock, and works on a read-only file system once the file exists.
    return Deno.openSync(path, { read: true, write: true, create: true });
  } catch {
    try {
      return Deno.openSync(path, { read: true });
    } catch {
      return undefined;
    }
  }
}

/** Takes the lock when free; true also where the file system cannot lock (nothing to go by). */
function tryLock(file: Deno.FsFile): boolean {
  try {
    return file.tryLockSync(true);
  } catch {
    return true;
  }
}
