import type { DatabaseSync } from "node:sqlite";
import { LoomError } from "../core/mod.ts";
import { isBusyError } from "./database.ts";

/** Retry policy for taking the write lock. */
export interface TransactionOptions {
  /** Attempts to take the write lock when busy_timeout ran out (default 5). */
  attempts?: number;
}

let savepoints = 0;
const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Runs `fn` in one `BEGIN IMMEDIATE` transaction: commits when it returns, rolls back when it
 * throws. Taking the write lock up front means no mid-transaction "database is locked"; when even
 * busy_timeout is not enough the BEGIN is retried with backoff. Nested calls use a savepoint.
 *
 * @example transaction(db, () => db.prepare("INSERT INTO t VALUES (1)").run())
 */
export function transaction<T>(db: DatabaseSync, fn: () => T, options: TransactionOptions = {}): T {
  if (db.isTransaction) return withSavepoint(db, fn);
  const attempts = options.attempts ?? 5;
  for (let attempt = 1;; attempt++) {
    try {
      db.exec("BEGIN IMMEDIATE");
      break;
    } catch (err) {
      if (!isBusyError(err)) throw err;
      if (attempt >= attempts) {
        throw new LoomError(
          "UNAVAILABLE",
          "Cannot write to the database: another process has held its lock for too long; try again",
          { cause: err },
        );
      }
      // A synchronous backoff: node:sqlite is synchronous, so there is no event loop to yield to.
      Atomics.wait(pause, 0, 0, 20 * attempt);
    }
  }
  try {
    const result = fn();
    db.exec("COMMIT");
    return result;
  } catch (err) {
    if (db.isTransaction) db.exec("ROLLBACK");
    throw err;
  }
}

function withSavepoint<T>(db: DatabaseSync, fn: () => T): T {
  const name = `loom_sp_${++savepoints}`;
  db.exec(`SAVEPOINT ${name}`);
  try {
    const result = fn();
    db.exec(`RELEASE ${name}`);
    return result;
  } catch (err) {
    db.exec(`ROLLBACK TO ${name}`);
    db.exec(`RELEASE ${name}`);
    throw err;
  }
}
