// The session journal: what a killed process journaled reaches SQLite when the database is next
// opened, exactly once; a live writer's journal is never taken for an abandoned one.
import assert from "node:assert/strict";
import { setImmediate } from "node:timers";
import { openAgentDatabase, SessionStore } from "../src/agent/mod.ts";
import type { DatabaseSync } from "../src/store/mod.ts";
import { journalText } from "./_lib/agent.ts";
import { createTempProject, type TempProject } from "./_lib/project.ts";

/** Runs the journal child in `mode` until it has journaled, then kills it with SIGKILL. */
async function killAfterJournal(project: TempProject, mode: string): Promise<string> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("./agent_journal_child.ts", import.meta.url).pathname,
      project.root,
      mode,
    ],
    stdout: "piped",
    stderr: "inherit",
    stdin: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  child.kill("SIGKILL");
  assert.equal((await child.status).signal, "SIGKILL");
  await reader.cancel();
  return JSON.parse(text).session;
}

function journals(root: string): string[] {
  return [...Deno.readDirSync(`${root}/.loom/loom.db.journal.d`)].map((e) => e.name)
    .filter((name) => name.endsWith(".jsonl"));
}

function rows(root: string, sql: string, ...values: string[]): Record<string, unknown>[] {
  const db = openAgentDatabase(root);
  try {
    return db.prepare(sql).all(...values).map((r) => ({ ...r }));
  } finally {
    db.close();
  }
}

Deno.test("writes journaled by a process killed before they reached SQLite are replayed when the next store opens", async () => {
  await using project = await createTempProject({}, { git: true });
  const id = await killAfterJournal(project, "fresh");
  // The kill came before SQLite got them: only the journal has them.
  assert.equal(rows(project.root, "SELECT * FROM agent_messages").length, 0);
  assert.equal(journals(project.root).length, 1);

  // A journal whose writer died between creating and naming it holds nothing yet: removed.
  const stale = `${project.root}/.loom/loom.db.journal.d/.0000.tmp`;
  Deno.writeTextFileSync(stale, "");
  const hourAgo = new Date(Date.now() - 3600_000);
  Deno.utimeSync(stale, hourAgo, hourAgo);
  // One just made belongs to a writer about to lock it.
  const fresh = `${project.root}/.loom/loom.db.journal.d/.0001.tmp`;
  Deno.writeTextFileSync(fresh, "");
  const db = openAgentDatabase(project.root);
  try {
    const store = new SessionStore(db);
    assert.throws(() => Deno.statSync(stale), Deno.errors.NotFound);
    assert.ok(Deno.statSync(fresh).isFile);
    assert.deepEqual(store.live(id).map((m) => m.message.content), ["journaled, never applied"]);
    assert.deepEqual(store.toolCalls(id).map((c) => [c.name, c.output]), [["shell", null]]);
    assert.equal(store.costs(id).total.calls, 1);
    assert.equal(store.costs(id).total.costUsd, 0.5);
    assert.deepEqual(journals(project.root), [], "a replayed journal is deleted");
  } finally {
    db.close();
  }
});

Deno.test("a journal partly applied before the kill is replayed from where SQLite left off, each write once", async () => {
  await using project = await createTempProject({}, { git: true });
  const id = await killAfterJournal(project, "half-applied");
  assert.deepEqual(
    rows(project.root, "SELECT content FROM agent_messages").map((r) =>
      JSON.parse(r.content as string).content
    ),
    ["applied before the kill"],
  );
  for (let open = 0; open < 2; open++) {
    const db = openAgentDatabase(project.root);
    try {
      const store = new SessionStore(db, { writeBehind: true });
      assert.deepEqual(store.live(id).map((m) => m.message.content), [
        "applied before the kill",
        "journaled, never applied",
      ]);
      assert.equal(store.costs(id).total.calls, 2, "no usage row is charged twice");
    } finally {
      db.close();
    }
  }
  assert.deepEqual(rows(project.root, "SELECT * FROM agent_journals"), []);
});

Deno.test("a journaled write whose session was deleted meanwhile is skipped and the rest replayed", async () => {
  await using project = await createTempProject({}, { git: true });
  const id = await killAfterJournal(project, "fresh");
  // Deleted behind the journal's back (a raw connection does not replay journals).
  const raw = openAgentDatabase(project.root);
  raw.prepare("DELETE FROM agent_sessions WHERE id = ?").run(id);
  raw.close();
  // The next writer replays the first journal as it opens, then is killed in its turn.
  const other = await killAfterJournal(project, "fresh");
  const db = openAgentDatabase(project.root);
  try {
    const store = new SessionStore(db);
    assert.deepEqual(store.live(other).map((m) => m.message.content), ["journaled, never applied"]);
    assert.equal(
      rows(project.root, "SELECT * FROM agent_messages WHERE session_id = ?", id).length,
      0,
    );
    assert.deepEqual(journals(project.root), []);
  } finally {
    db.close();
  }
});

Deno.test("a live writer's journal is left alone by other stores, in this process and in others", async () => {
  await using project = await createTempProject({}, { git: true });
  const db = openAgentDatabase(project.root);
  const writer = new SessionStore(db, { writeBehind: true });
  const session = writer.create({ model: "anthropic:claude-sonnet-4-6" });
  writer.append(session.id, { role: "user", content: "one" });
  writer.checkpoint();
  const [journal] = journals(project.root);
  assert.ok(journal, "the writer has a journal");
  // Another store on its own connection in this process: flock is per open file, so it sees
  // the writer's lock.
  const second = openAgentDatabase(project.root);
  new SessionStore(second);
  second.close();
  // And another process.
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { openAgentDatabase, SessionStore } from "${new URL(
        "../src/agent/mod.ts",
        import.meta.url,
      )}";
       new SessionStore(openAgentDatabase(${JSON.stringify(project.root)}));`,
    ],
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  assert.deepEqual(journals(project.root), [journal]);
  writer.append(session.id, { role: "assistant", content: [{ type: "text", text: "two" }] });
  writer.close();
  assert.deepEqual(journals(project.root), [], "a clean close removes the journal");
  assert.deepEqual(writer.live(session.id).map((m) => m.message.role), ["user", "assistant"]);
  db.close();
});

Deno.test("a commit point reaches SQLite once the event loop is free, and reads see it at once", async () => {
  await using project = await createTempProject({}, { git: true });
  const db = openAgentDatabase(project.root);
  const reader = openAgentDatabase(project.root);
  try {
    const store = new SessionStore(db, { writeBehind: true });
    const session = store.create({ model: "anthropic:claude-sonnet-4-6" });
    const count = () =>
      (reader.prepare("SELECT count(*) AS n FROM agent_messages").get() as { n: number }).n;
    store.append(session.id, { role: "user", content: "hello" });
    store.checkpoint();
    assert.equal(count(), 0, "the commit point itself only appends to the journal");
    await store.settled();
    assert.equal(count(), 1);
    store.append(session.id, { role: "user", content: "again" });
    assert.equal(store.live(session.id).length, 2, "a read applies what is queued first");
    assert.equal(count(), 2);
    store.close();
  } finally {
    reader.close();
    db.close();
  }
});

/** A write-behind store on a new session, and what another connection and the journals hold. */
function openWatched(root: string) {
  const db = openAgentDatabase(root);
  const reader = openAgentDatabase(root);
  const store = new SessionStore(db, { writeBehind: true });
  const session = store.create({ model: "anthropic:claude-sonnet-4-6" });
  return {
    store,
    session,
    /** The messages in SQLite, as another process sees them. */
    count: () =>
      (reader.prepare("SELECT count(*) AS n FROM agent_messages").get() as { n: number }).n,
    /** Everything the journals hold. */
    journaled: () => journalText(root),
    [Symbol.dispose]() {
      store.close();
      reader.close();
      db.close();
    },
  };
}

Deno.test("a commit point before a wait that changes nothing is journaled and applied once the wait has begun", async () => {
  await using project = await createTempProject({}, { git: true });
  using watched = openWatched(project.root);
  const { store, session, count, journaled } = watched;
  store.append(session.id, { role: "user", content: "hello" });
  store.checkpointSoon(true);
  // The caller starts its wait here (sends its request): nothing is written before that.
  assert.equal(count(), 0);
  assert.doesNotMatch(journaled(), /hello/);
  // Not in this turn of the event loop either: the wait's request is sent in the next one.
  await new Promise((resolve) => setImmediate(resolve));
  assert.doesNotMatch(journaled(), /hello/);
  await store.settled();
  assert.match(journaled(), /hello/);
  assert.equal(count(), 1);
  // Before a wait with no request to send first, the end of this turn will do.
  store.append(session.id, { role: "user", content: "reading" });
  store.checkpointSoon(false);
  assert.doesNotMatch(journaled(), /reading/);
  await new Promise((resolve) => setImmediate(resolve));
  assert.match(journaled(), /reading/);
  assert.equal(count(), 2);
  // A commit point with nothing queued arms nothing.
  store.checkpointSoon(true);
  await store.settled();
  assert.equal(count(), 2);
  // One that must be on disk first still is, and takes along what was queued for later.
  store.append(session.id, { role: "user", content: "queued" });
  store.checkpointSoon(true);
  store.append(session.id, { role: "user", content: "ahead" });
  store.checkpoint();
  assert.match(journaled(), /queued[^]*ahead/);
  await store.settled();
  assert.equal(count(), 4);
});

Deno.test("a wait that ends before the event loop turns still has the writes before it journaled before it is acted on", async () => {
  await using project = await createTempProject({}, { git: true });
  using watched = openWatched(project.root);
  const { store, session, count, journaled } = watched;
  store.append(session.id, { role: "user", content: "before the wait" });
  store.checkpointSoon(true);
  // A wait that ended without giving the event loop a turn.
  store.waited();
  assert.match(journaled(), /before the wait/);
  // SQLite still gets it in the background.
  assert.equal(count(), 0);
  await store.settled();
  assert.equal(count(), 1);
});

Deno.test("without a usable journal directory every commit point goes to SQLite at once", async () => {
  await using project = await createTempProject({}, { git: true });
  const db = openAgentDatabase(project.root);
  const reader = openAgentDatabase(project.root);
  // A file where the journal directory would go.
  Deno.writeTextFileSync(`${project.root}/.loom/loom.db.journal.d`, "not a directory");
  try {
    const store = new SessionStore(db, { writeBehind: true });
    const session = store.create({ model: "anthropic:claude-sonnet-4-6" });
    store.append(session.id, { role: "user", content: "hello" });
    store.checkpoint();
    const count = reader.prepare("SELECT count(*) AS n FROM agent_messages").get() as { n: number };
    assert.equal(count.n, 1);
    store.close();
  } finally {
    reader.close();
    db.close();
  }
});

Deno.test("a write SQLite refuses is reported once at the next commit point and the writes after it still go in", async () => {
  await using project = await createTempProject({}, { git: true });
  const db = openAgentDatabase(project.root);
  try {
    const store = new SessionStore(db, { writeBehind: true });
    const session = store.create({ model: "anthropic:claude-sonnet-4-6" });
    // The session goes away behind the writer's back (another process removed it).
    const other = openAgentDatabase(project.root);
    other.prepare("DELETE FROM agent_sessions WHERE id = ?").run(session.id);
    other.close();
    store.append(session.id, { role: "user", content: "hello" });
    store.checkpoint();
    await store.settled();
    assert.throws(() => store.checkpoint(), (err: Error & { code?: string }) => {
      assert.equal(err.code, "UNAVAILABLE");
      assert.match(err.message, /^Cannot save the session to ".*loom\.db": .*FOREIGN KEY/);
      assert.match(err.message, /that write was left out \(was its session removed/);
      return true;
    });
    // Reported once; what comes after for a session that exists still goes in.
    const next = store.create({ model: "anthropic:claude-sonnet-4-6" });
    store.append(next.id, { role: "user", content: "still saved" });
    store.checkpoint();
    await store.settled();
    store.checkpoint();
    assert.deepEqual(store.live(next.id).map((m) => m.message.content), ["still saved"]);
  } finally {
    db.close();
  }
});

Deno.test("a replayed journal whose file cannot be deleted is never applied twice", async () => {
  await using project = await createTempProject({}, { git: true });
  const id = await killAfterJournal(project, "fresh");
  // Fault injection: the delete after a replay fails, as in a directory that refuses it.
  const remove = Deno.removeSync;
  Deno.removeSync = (path: string | URL, options?: Deno.RemoveOptions) => {
    if (String(path).endsWith(".jsonl")) throw new Deno.errors.PermissionDenied("simulated");
    remove(path, options);
  };
  try {
    for (let open = 0; open < 3; open++) {
      const db = openAgentDatabase(project.root);
      try {
        const store = new SessionStore(db);
        assert.equal(store.costs(id).total.calls, 1, `open ${open + 1} charges the call once`);
      } finally {
        db.close();
      }
    }
    assert.equal(journals(project.root).length, 1, "the file stayed");
  } finally {
    Deno.removeSync = remove;
  }
  const db = await openOnceFree(project.root);
  try {
    assert.equal(new SessionStore(db).costs(id).total.calls, 1);
    assert.deepEqual(journals(project.root), [], "deleted once it can be");
    assert.deepEqual(db.prepare("SELECT * FROM agent_journals").all(), []);
  } finally {
    db.close();
  }
});

Deno.test("a store closed after its database keeps the journal for the next open", async () => {
  await using project = await createTempProject({}, { git: true });
  const db = openAgentDatabase(project.root);
  const store = new SessionStore(db, { writeBehind: true });
  const session = store.create({ model: "anthropic:claude-sonnet-4-6" });
  store.append(session.id, { role: "user", content: "journaled only" });
  store.checkpoint();
  db.close();
  store.close();
  assert.equal(journals(project.root).length, 1);
  const reopened = await openOnceFree(project.root);
  try {
    const live = new SessionStore(reopened).live(session.id);
    assert.deepEqual(live.map((m) => m.message.content), ["journaled only"]);
  } finally {
    reopened.close();
  }
});

Deno.test("writes whose journal append failed, and that SQLite could not take either, go into the next record", async () => {
  await using project = await createTempProject({}, { git: true });
  const db = openAgentDatabase(project.root);
  const store = new SessionStore(db, { writeBehind: true });
  const session = store.create({ model: "anthropic:claude-sonnet-4-6" });
  store.append(session.id, { role: "user", content: "first" });
  store.checkpoint(); // the journal exists from here
  await store.settled();
  db.close(); // SQLite takes nothing more
  // Fault injection: the next journal write fails once, as on a full disk.
  const write = Deno.FsFile.prototype.writeSync;
  Deno.FsFile.prototype.writeSync = function () {
    Deno.FsFile.prototype.writeSync = write;
    throw new Deno.errors.Interrupted("simulated: no space left on device");
  };
  try {
    store.append(session.id, { role: "assistant", content: [{ type: "text", text: "second" }] });
    store.checkpoint();
  } finally {
    Deno.FsFile.prototype.writeSync = write;
  }
  store.append(session.id, { role: "user", content: "third" });
  store.checkpoint();
  store.close();
  const reopened = openAgentDatabase(project.root);
  try {
    const live = new SessionStore(reopened).live(session.id);
    assert.deepEqual(live.map((m) => m.seq), [1, 2, 3]);
  } finally {
    reopened.close();
  }
});

/**
 * The project's database, opened again until no journal is left to replay (at most 100 opens,
 * 10 ms apart), as the next starts of Loom would. A child process forked by another test in this
 * process while a journal was open holds a copy of its lock until it execs: until then the
 * journal is not free, and an open leaves it for a later one.
 */
async function openOnceFree(root: string): Promise<DatabaseSync> {
  for (let open = 1;; open++) {
    const db = openAgentDatabase(root);
    if (journals(root).length === 0 || open === 100) return db;
    db.close();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
