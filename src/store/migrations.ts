import type { DatabaseSync } from "node:sqlite";
import { LoomError } from "../core/mod.ts";

/** One numbered schema change. Versions in a scope start at 1 and never change once shipped. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The migrations of one part of Loom (e.g. "graph", "sessions"), numbered within it. */
export interface MigrationSet {
  scope: string;
  migrations: readonly Migration[];
}

const LEDGER = `CREATE TABLE IF NOT EXISTS schema_migrations (
  scope TEXT NOT NULL,
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  applied_at INTEGER NOT NULL,
  PRIMARY KEY (scope, version)
) STRICT`;

/** The highest version each scope has applied (0 when none). */
export function appliedVersion(db: DatabaseSync, scope: string): number {
  const exists = db.prepare(
    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
  ).get();
  if (!exists) return 0;
  const row = db.prepare(
    "SELECT coalesce(max(version), 0) AS v FROM schema_migrations WHERE scope = ?",
  ).get(scope) as { v: number };
  return row.v;
}

/**
 * Applies the pending migrations of each set, all in one IMMEDIATE transaction (so two processes
 * opening a fresh file at once do not both migrate). Refuses a database newer than this Loom.
 */
export function runMigrations(
  db: DatabaseSync,
  sets: readonly MigrationSet[],
  now: number = Date.now(),
): void {
  for (const set of sets) checkNumbering(set);
  db.exec("BEGIN IMMEDIATE");
  try {
    db.exec(LEDGER);
    const record = db.prepare(
      "INSERT INTO schema_migrations (scope, version, name, applied_at) VALUES (?, ?, ?, ?)",
    );
    for (const set of sets) {
      const current = appliedVersion(db, set.scope);
      const latest = latestVersion(set);
      if (current > latest) {
        throw new LoomError(
          "UNAVAILABLE",
          `Cannot use the ${set.scope} schema: the database is at version ${current}, newer than this Loom knows (${latest}); upgrade Loom`,
        );
      }
      for (const m of set.migrations) {
        if (m.version <= current) continue;
        db.exec(m.sql);
        record.run(set.scope, m.version, m.name, now);
      }
    }
    db.exec("COMMIT");
  } catch (err) {
    if (db.isTransaction) db.exec("ROLLBACK");
    throw err;
  }
}

/**
 * True unless every set is already at its latest version, read without a write lock. The
 * common open then takes no lock at all; when a migration is due, runMigrations re-reads the
 * versions under its IMMEDIATE lock, so two processes opening a fresh file still migrate once.
 */
export function migrationsDue(db: DatabaseSync, sets: readonly MigrationSet[]): boolean {
  if (sets.length === 0) return false;
  for (const set of sets) checkNumbering(set);
  let rows: { scope: string; v: number }[];
  try {
    rows = db.prepare(
      "SELECT scope, max(version) AS v FROM schema_migrations GROUP BY scope",
    ).all() as { scope: string; v: number }[];
  } catch {
    return true; // No ledger yet (or unreadable): let runMigrations decide under the lock.
  }
  const applied = new Map(rows.map((r) => [r.scope, r.v]));
  return sets.some((set) => applied.get(set.scope) !== latestVersion(set));
}

/** Throws when a read-only database lacks migrations this Loom needs. */
export function checkMigrations(db: DatabaseSync, sets: readonly MigrationSet[], path: string) {
  for (const set of sets) {
    const current = appliedVersion(db, set.scope);
    const latest = latestVersion(set);
    if (current < latest) {
      throw new LoomError(
        "UNAVAILABLE",
        `Cannot read "${path}": its ${set.scope} schema is at version ${current}, not ${latest}; run a writing command once to upgrade it`,
      );
    }
  }
}

/** The last version in a set. */
export function latestVersion(set: MigrationSet): number {
  return set.migrations.at(-1)?.version ?? 0;
}

function checkNumbering(set: MigrationSet): void {
  set.migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(
        `migration ${set.scope}/${m.name} is numbered ${m.version}, expected ${i + 1}`,
      );
    }
  });
}
