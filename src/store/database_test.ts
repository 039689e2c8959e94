import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { isLoomError } from "../core/mod.ts";
import { openDatabase } from "./database.ts";
import { appliedVersion } from "./migrations.ts";
import type { MigrationSet } from "./migrations.ts";
import { openProjectDatabase, projectDatabasePath } from "./project.ts";
import { transaction } from "./transaction.ts";

const NOTES: MigrationSet = {
  scope: "notes",
  migrations: [
    { version: 1, name: "notes", sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)" },
    { version: 2, name: "tags", sql: "ALTER TABLE notes ADD COLUMN tag TEXT" },
  ],
};

async function tempDir(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "loom-store-" });
}

Deno.test("openDatabase turns on WAL, synchronous NORMAL, busy_timeout and foreign keys", async () => {
  const dir = await tempDir();
  const db = openDatabase(join(dir, "a.db"), { busyTimeoutMs: 4321 });
  const pragma = (name: string) => Object.values(db.prepare(`PRAGMA ${name}`).get()!)[0];
  assert.equal(pragma("journal_mode"), "wal");
  assert.equal(pragma("synchronous"), 1);
  assert.equal(pragma("busy_timeout"), 4321);
  assert.equal(pragma("foreign_keys"), 1);
  db.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("migrations run once, in order, and are recorded per scope", async () => {
  const dir = await tempDir();
  const path = join(dir, "m.db");
  const first = openDatabase(path, {
    migrations: [{ ...NOTES, migrations: NOTES.migrations.slice(0, 1) }],
  });
  assert.equal(appliedVersion(first, "notes"), 1);
  first.close();
  const second = openDatabase(path, { migrations: [NOTES] });
  assert.equal(appliedVersion(second, "notes"), 2);
  second.prepare("INSERT INTO notes (text, tag) VALUES ('x', 'y')").run();
  second.close();
  const third = openDatabase(path, { migrations: [NOTES] });
  const rows = third.prepare("SELECT scope, version FROM schema_migrations ORDER BY version").all();
  assert.deepEqual(rows.map((r) => r.version), [1, 2]);
  third.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a failing migration leaves the schema and the ledger untouched", async () => {
  const dir = await tempDir();
  const path = join(dir, "f.db");
  const broken: MigrationSet = {
    scope: "notes",
    migrations: [NOTES.migrations[0], { version: 2, name: "bad", sql: "ALTER TABLE nope ADD x" }],
  };
  assert.throws(() => openDatabase(path, { migrations: [broken] }));
  const db = new DatabaseSync(path);
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all();
  assert.deepEqual(tables.map((t) => t.name), []);
  db.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a database newer than this Loom is refused, not downgraded", async () => {
  const dir = await tempDir();
  const path = join(dir, "n.db");
  openDatabase(path, { migrations: [NOTES] }).close();
  const older = { ...NOTES, migrations: NOTES.migrations.slice(0, 1) };
  assert.throws(() => openDatabase(path, { migrations: [older] }), /newer than this Loom/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a file that is not SQLite gives an UNAVAILABLE error that says what to do", async () => {
  const dir = await tempDir();
  const path = join(dir, "junk.db");
  await Deno.writeTextFile(path, "this is not a database, just text ".repeat(200));
  assert.throws(
    () => openDatabase(path, { migrations: [NOTES] }),
    (e) => isLoomError(e, "UNAVAILABLE") && /not a Loom database|LOOM_DB_PATH/.test(e.message),
  );
  assert.equal(await Deno.readTextFile(path), "this is not a database, just text ".repeat(200));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("transaction commits on return, rolls back on throw, and nests with savepoints", async () => {
  const dir = await tempDir();
  const db = openDatabase(join(dir, "t.db"), { migrations: [NOTES] });
  const count = () => (db.prepare("SELECT count(*) AS c FROM notes").get() as { c: number }).c;
  transaction(db, () => db.prepare("INSERT INTO notes (text) VALUES ('a')").run());
  assert.throws(() =>
    transaction(db, () => {
      db.prepare("INSERT INTO notes (text) VALUES ('b')").run();
      throw new Error("boom");
    })
  );
  transaction(db, () => {
    db.prepare("INSERT INTO notes (text) VALUES ('c')").run();
    assert.throws(() =>
      transaction(db, () => {
        db.prepare("INSERT INTO notes (text) VALUES ('d')").run();
        throw new Error("inner");
      })
    );
  });
  assert.deepEqual(db.prepare("SELECT text FROM notes ORDER BY id").all().map((r) => r.text), [
    "a",
    "c",
  ]);
  assert.equal(count(), 2);
  assert.equal(db.isTransaction, false);
  db.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("transaction gives up with UNAVAILABLE when another connection keeps the write lock", async () => {
  const dir = await tempDir();
  const path = join(dir, "l.db");
  const holder = openDatabase(path, { migrations: [NOTES] });
  const waiter = openDatabase(path, { busyTimeoutMs: 10 });
  holder.exec("BEGIN IMMEDIATE");
  assert.throws(
    () =>
      transaction(waiter, () => waiter.exec("INSERT INTO notes (text) VALUES ('w')"), {
        attempts: 2,
      }),
    (e) => isLoomError(e, "UNAVAILABLE") && /try again/.test(e.message),
  );
  holder.exec("ROLLBACK");
  transaction(waiter, () => waiter.exec("INSERT INTO notes (text) VALUES ('w')"));
  assert.equal((holder.prepare("SELECT count(*) AS c FROM notes").get() as { c: number }).c, 1);
  holder.close();
  waiter.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("openProjectDatabase creates .loom/ with a .gitignore of * on first use", async () => {
  const root = await tempDir();
  const db = openProjectDatabase(root, { migrations: [NOTES] });
  db.close();
  assert.equal(await Deno.readTextFile(join(root, ".loom", ".gitignore")), "*\n");
  assert.ok((await Deno.stat(join(root, ".loom", "loom.db"))).isFile);
  await Deno.remove(root, { recursive: true });
});

Deno.test("LOOM_DB_PATH moves the database and leaves the project without .loom/", async () => {
  const root = await tempDir();
  const elsewhere = await tempDir();
  const env = { LOOM_DB_PATH: join(elsewhere, "sub", "graph.db") };
  assert.equal(projectDatabasePath(root, env), env.LOOM_DB_PATH);
  openProjectDatabase(root, { env, migrations: [NOTES] }).close();
  assert.ok((await Deno.stat(env.LOOM_DB_PATH)).isFile);
  await assert.rejects(() => Deno.stat(join(root, ".loom")));
  await Deno.remove(root, { recursive: true });
  await Deno.remove(elsewhere, { recursive: true });
});

Deno.test("a read-only open of a missing database creates nothing", async () => {
  const root = await tempDir();
  assert.throws(
    () => openProjectDatabase(root, { readonly: true, migrations: [NOTES] }),
    (e) => isLoomError(e, "NOT_FOUND"),
  );
  await assert.rejects(() => Deno.stat(join(root, ".loom")));
  await Deno.remove(root, { recursive: true });
});

Deno.test("a .loom that is a file, not a directory, gives a clear error and is left alone", async () => {
  const root = await tempDir();
  await Deno.writeTextFile(join(root, ".loom"), "keep me");
  assert.throws(
    () => openProjectDatabase(root, { migrations: [NOTES] }),
    (e) => isLoomError(e, "UNAVAILABLE") && /Cannot create|Cannot open/.test(e.message),
  );
  assert.equal(await Deno.readTextFile(join(root, ".loom")), "keep me");
  await Deno.remove(root, { recursive: true });
});

Deno.test("opening a database that is up to date takes no write lock", async () => {
  const dir = await tempDir();
  const path = join(dir, "r.db");
  openDatabase(path, { migrations: [NOTES] }).close();
  const holder = openDatabase(path, { migrations: [NOTES] });
  holder.exec("BEGIN IMMEDIATE");
  const reader = openDatabase(path, { migrations: [NOTES], busyTimeoutMs: 10 });
  assert.equal(appliedVersion(reader, "notes"), 2);
  reader.close();
  holder.exec("ROLLBACK");
  holder.close();
  const older = { ...NOTES, migrations: NOTES.migrations.slice(0, 1) };
  assert.throws(() => openDatabase(path, { migrations: [older] }), /newer than this Loom/);
  await Deno.remove(dir, { recursive: true });
});
