import { DatabaseSync } from "node:sqlite";
import { LoomError } from "../core/mod.ts";
import { checkMigrations, migrationsDue, runMigrations } from "./migrations.ts";
import type { MigrationSet } from "./migrations.ts";

/** How to open a database. */
export interface OpenDatabaseOptions {
  /** Open without write access: no migrations run, writes fail. */
  readonly?: boolean;
  /** How long a statement waits for another process's lock before failing (default 5000 ms). */
  busyTimeoutMs?: number;
  /** The migration sets to apply at open (each part of Loom brings its own). */
  migrations?: readonly MigrationSet[];
}

/**
 * Opens (creating when missing, unless readonly) a SQLite file with WAL, synchronous=NORMAL,
 * busy_timeout and foreign keys on, then runs pending migrations in one transaction (the write
 * lock is taken only when a read shows some are due).
 */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): DatabaseSync {
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path, {
      readOnly: options.readonly ?? false,
      enableForeignKeyConstraints: true,
      timeout: options.busyTimeoutMs ?? 5000,
    });
  } catch (cause) {
    throw openError(path, cause);
  }
  try {
    db.exec(`PRAGMA busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
    if (!options.readonly) enableWal(db, options.busyTimeoutMs ?? 5000);
    db.exec("PRAGMA synchronous = NORMAL");
    db.exec("PRAGMA foreign_keys = ON");
    const sets = options.migrations ?? [];
    if (options.readonly) checkMigrations(db, sets, path);
    else if (migrationsDue(db, sets)) runMigrations(db, sets);
  } catch (cause) {
    db.close();
    if (cause instanceof LoomError) throw cause;
    throw openError(path, cause);
  }
  return db;
}

/**
 * Switches the file to WAL. While another connection is switching the same new file, SQLite
 * answers "database is locked" at once instead of waiting out busy_timeout (seen with two
 * processes opening a fresh project together): try again, briefly, until the timeout.
 */
function enableWal(db: DatabaseSync, timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  for (let pause = 1;; pause = Math.min(pause * 2, 50)) {
    try {
      db.exec("PRAGMA journal_mode = WAL");
      return;
    } catch (err) {
      if (!isBusyError(err) || Date.now() >= deadline) throw err;
      // Opening is synchronous: a short blocking pause, never past the deadline.
      Atomics.wait(PAUSE, 0, 0, Math.min(pause, Math.max(1, deadline - Date.now())));
    }
  }
}
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

function openError(path: string, cause: unknown): LoomError {
  const why = cause instanceof Error ? cause.message : String(cause);
  const hint = /readonly|read-only|permission|unable to open|NotCapable|access/i.test(why)
    ? "; check that the file and its directory exist and are writable, or set LOOM_DB_PATH"
    : /not a database|malformed|corrupt/i.test(why)
    ? "; the file is not a Loom database: move it aside or set LOOM_DB_PATH"
    : "";
  return new LoomError("UNAVAILABLE", `Cannot open the database "${path}": ${why}${hint}`, {
    cause,
  });
}

/** True when `err` is SQLite saying another connection holds the lock. */
export function isBusyError(err: unknown): boolean {
  return err instanceof Error && /database (table )?is locked|SQLITE_BUSY|database is busy/i.test(
    err.message,
  );
}
