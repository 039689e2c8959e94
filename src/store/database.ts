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
    if (!options.readonly) db.exec("PRAGMA journal_mode = WAL");
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
