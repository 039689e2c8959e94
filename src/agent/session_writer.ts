// How the session store's writes reach SQLite: queued as data, appended to the session journal
// at each commit point (one write), applied in one transaction once the event loop is free; or,
// without a journal, applied at once. Also replays journals left behind by dead processes.
import { clearImmediate, setImmediate } from "node:timers";
import { isLoomError, LoomError } from "../core/mod.ts";
import { transaction } from "../store/mod.ts";
import type { DatabaseSync, StatementSync } from "../store/mod.ts";
import { abandonedJournals, type Op, SessionJournal } from "./session_journal.ts";
import { WriteQueue } from "./write_queue.ts";

/** The writes a session store makes, by the name its ops carry (names never change meaning). */
const STATEMENTS: Record<string, string> = {
  message: `INSERT INTO agent_messages (session_id, seq, pos, role, agent_role, content, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?)`,
  title: "UPDATE agent_sessions SET title = ? WHERE id = ?",
  system_prompt: "UPDATE agent_sessions SET system_prompt = ? WHERE id = ?",
  tool_started: `INSERT OR REPLACE INTO agent_tool_calls (session_id, call_id, name, input,
    started_at) VALUES (?, ?, ?, ?, ?)`,
  tool_ended: `UPDATE agent_tool_calls SET output = ?, is_error = ?, code = ?, decision = ?,
    ended_at = ?, duration_ms = ? WHERE session_id = ? AND call_id = ?`,
  usage: `INSERT INTO agent_usage (session_id, step, role, model, input, output, cache_read,
    cache_write, cost_usd, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  summary: "UPDATE agent_messages SET summary = 1 WHERE session_id = ? AND seq = ?",
  touch: "UPDATE agent_sessions SET updated_at = ? WHERE id = ?",
};

/** Queues, journals and applies one store's writes. */
export class SessionWriter {
  #db: DatabaseSync;
  #sql: (text: string) => StatementSync;
  /** Where journals live (this writer's, when it journals, and dead processes' to replay). */
  #journalDir: string | undefined;
  #journaling: boolean;
  #journal: SessionJournal | undefined;
  #queue = new WriteQueue();
  /** Journaled (or, without a journal, taken) but not yet in SQLite, oldest first. */
  #unapplied: Op[] = [];
  /** Writes whose journal append failed and that SQLite has not had yet either, oldest first. */
  #unjournaled: Op[] = [];
  /** The journal record the last of `#unapplied` is in. */
  #lastSeq = 0;
  /** The pending commit or apply (see `#arm`). */
  #timer: ReturnType<typeof setImmediate> | undefined;
  /** The turns of the event loop left before the deferred work runs (see `#arm`). */
  #turns = 1;
  /** Callers of `settled()` waiting for it. */
  #waiters: (() => void)[] = [];
  /** An apply that failed, to report at the next commit point (its writes stay queued). */
  #failure: unknown;

  /** Without `journal` (or a directory) every commit point applies at once. */
  constructor(
    db: DatabaseSync,
    sql: (text: string) => StatementSync,
    options: { dir?: string; journal: boolean },
  ) {
    this.#db = db;
    this.#sql = sql;
    this.#journalDir = options.dir;
    this.#journaling = options.journal && options.dir !== undefined;
  }

  /** Queues one write (named as in STATEMENTS); `touch` moves a session's `updated_at`. */
  push(touch: { id: string; at: number } | null, op?: Op): void {
    this.#queue.push(touch, op);
  }

  /**
   * A commit point: what is queued survives the process from here on. With a journal it is one
   * append, and SQLite gets it as soon as the event loop is free (while the caller waits on a
   * model or a tool); without one it is applied now.
   */
  checkpoint(): void {
    this.#commit();
    if (this.#unapplied.length > 0) this.#arm(false);
    this.#raise();
  }

  /**
   * A commit point before a wait that changes nothing outside the process (a model call, the
   * person's next message): the queued writes are journaled, then applied, once the caller has
   * begun the wait, before anything it brings back is read (see `#arm` and `waited`). A wait that
   * may change the world (a tool) needs `checkpoint()`: its record must be on disk before it
   * starts. `sending`: the wait begins with a request the event loop has yet to send.
   */
  checkpointSoon(sending: boolean): void {
    if (!this.#queue.empty || this.#unapplied.length > 0 || this.#unjournaled.length > 0) {
      this.#arm(sending);
    }
    this.#raise();
  }

  /**
   * A wait is over. If it ended before the event loop got to a deferred commit point (a wait that
   * never gave it a turn), the queued writes go to the journal now: nothing the wait brought back
   * is acted on before what came before it is on disk.
   */
  waited(): void {
    if (this.#timer === undefined || (this.#queue.empty && this.#unjournaled.length === 0)) return;
    try {
      this.#commit();
    } catch (err) {
      this.#failure ??= err;
    }
  }

  /** Journals what is queued (or, without a journal, applies it at once). */
  #commit(): void {
    const ops = this.#queue.take();
    if (ops.length === 0 && this.#unjournaled.length === 0) return;
    for (const op of ops) this.#unapplied.push(op);
    if (this.#journaling && !this.#journal) this.#openJournal();
    // Writes a failed append left out go first, unless SQLite has had them since.
    const record = this.#unjournaled.length > 0 ? this.#unjournaled.concat(ops) : ops;
    if (this.#append(record)) {
      this.#unjournaled = [];
    } else {
      if (this.#journal) this.#unjournaled = record;
      this.#apply();
    }
  }

  /** A commit point that also puts everything in SQLite now (before reads). */
  flush(): void {
    this.checkpoint();
    this.#apply();
    this.#raise();
  }

  /** Resolves once what was journaled so far is in SQLite (or its apply failed). */
  settled(): Promise<void> {
    if (this.#timer === undefined) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /**
   * Applies what is pending and deletes the journal, once all of it is in SQLite; with the
   * database already closed the journal stays, released, for the next open to replay.
   */
  close(): void {
    this.flush();
    const journal = this.#journal;
    if (!journal) return;
    this.#journal = undefined;
    if (this.#unapplied.length > 0 || this.#unjournaled.length > 0) {
      journal.close(false);
      return;
    }
    journal.close(true);
    this.#forget(journal.id);
  }

  /**
   * Replays the journals of processes that died before their writes reached SQLite, each record
   * once; writes that no longer fit (a session deleted since) are skipped.
   */
  recover(): void {
    if (this.#journalDir === undefined) return;
    const journals = abandonedJournals(this.#journalDir);
    try {
      for (const journal of journals) {
        transaction(this.#db, () => {
          const row = this.#sql("SELECT applied FROM agent_journals WHERE id = ?")
            .get(journal.id) as { applied: number } | undefined;
          let last = row?.applied ?? 0;
          for (const record of journal.records) {
            if (record.seq <= last) continue;
            for (const op of record.ops) this.#runUnlessRefused(op);
            last = record.seq;
          }
          // Marked as all applied with the writes: if the file outlives this (a kill before it
          // is deleted, a directory that refuses the delete), the next open applies nothing twice.
          this.#markApplied(journal.id, last);
        });
        if (journal.discard()) this.#forget(journal.id);
      }
    } finally {
      // Those not reached are left for the next open.
      for (const journal of journals) journal.release();
    }
  }

  /**
   * Without a journal (a directory that cannot be written, a file system without locks) every
   * commit point goes to SQLite at once: the same guarantee, one transaction per wait.
   */
  #openJournal(): void {
    try {
      this.#journal = SessionJournal.create(this.#journalDir!);
    } catch {
      this.#journaling = false;
    }
  }

  /** Appends to the journal; false without one, or when the write failed (SQLite at once then). */
  #append(ops: Op[]): boolean {
    if (!this.#journal || this.#journal.broken) return false;
    try {
      this.#lastSeq = this.#journal.append(ops);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Defers the rest of a commit point to the end of this turn of the event loop, or of the next
   * one when the wait begins by sending a request. A model call's request is written to its
   * connection during the next turn's I/O polling, not before: work done in this turn would hold
   * it back, so a commit already pending for this turn is put off too. `waited` covers a wait
   * that ends sooner.
   */
  #arm(sending: boolean): void {
    if (sending) this.#turns = 2;
    this.#timer ??= setImmediate(this.#tick);
  }

  #tick = () => {
    if (--this.#turns > 0) {
      this.#timer = setImmediate(this.#tick);
      return;
    }
    this.#turns = 1;
    this.#later();
  };

  /** The deferred half of a commit point; its failures wait for the next one to report them. */
  #later(): void {
    this.#timer = undefined;
    try {
      this.#commit();
      this.#apply();
    } catch (err) {
      this.#failure ??= err;
    }
    this.#wake();
  }

  #wake(): void {
    const waiters = this.#waiters;
    if (waiters.length === 0) return;
    this.#waiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Applies what is pending now (instead of later, when it was armed). */
  #apply(): void {
    if (this.#timer !== undefined) {
      clearImmediate(this.#timer);
      this.#timer = undefined;
      this.#turns = 1;
    }
    try {
      this.#applyPending();
    } finally {
      this.#wake();
    }
  }

  #applyPending(): void {
    // Closed under us (the process is ending): the journal keeps the writes for the next open.
    if (this.#unapplied.length === 0 || !this.#db.isOpen) return;
    const ops = this.#unapplied;
    try {
      this.#applyAll(ops, (op) => this.#run(op));
    } catch (err) {
      this.#failure = applyError(this.#db, this.#journal, err);
      // A refusal (its session was deleted meanwhile) would recur at every retry and hold back
      // everything after it: the rest goes in without it, and it is reported once. Anything
      // else (busy, disk full) stays queued for the next commit point.
      if (!isRefusal(err)) return;
      try {
        this.#applyAll(ops, (op) => this.#runUnlessRefused(op));
      } catch (again) {
        this.#failure = applyError(this.#db, this.#journal, again);
        return;
      }
    }
    this.#unapplied = [];
    this.#unjournaled = [];
    try {
      this.#journal?.trim();
    } catch { /* a longer journal only makes a replay skip more records */ }
  }

  /** Runs `ops` and moves the journal's mark past them, in one transaction. */
  #applyAll(ops: Op[], run: (op: Op) => void): void {
    transaction(this.#db, () => {
      for (const op of ops) run(op);
      if (this.#journal) this.#markApplied(this.#journal.id, this.#lastSeq);
    });
  }

  /** Records that a journal's records up to `seq` are in SQLite (inside the applying transaction). */
  #markApplied(id: string, seq: number): void {
    this.#sql("INSERT OR REPLACE INTO agent_journals (id, applied) VALUES (?, ?)").run(id, seq);
  }

  /** Drops the mark of a journal whose file is gone. */
  #forget(id: string): void {
    this.#sql("DELETE FROM agent_journals WHERE id = ?").run(id);
  }

  /** Runs `op`, skipping it when SQLite refuses it (its session is gone, or it is there already). */
  #runUnlessRefused(op: Op): void {
    try {
      this.#run(op);
    } catch (err) {
      if (!isRefusal(err)) throw err;
    }
  }

  #run([name, ...values]: Op): void {
    const text = STATEMENTS[name];
    if (text === undefined) return;
    const bound = values.map((v) => typeof v === "object" && v !== null ? JSON.stringify(v) : v);
    this.#sql(text).run(...bound);
  }

  #raise(): void {
    if (this.#failure === undefined) return;
    const failure = this.#failure;
    this.#failure = undefined;
    throw failure;
  }
}

/** Why the session could not be saved, and what became of the writes. */
function applyError(db: DatabaseSync, journal: SessionJournal | undefined, err: unknown): unknown {
  if (isLoomError(err)) return err;
  const why = err instanceof Error ? err.message : String(err);
  const fate = isRefusal(err)
    ? "; that write was left out (was its session removed by another process?)"
    : journal
    ? `; nothing is lost: the session journal "${journal.path}" keeps it for the next start`
    : "";
  return new LoomError(
    "UNAVAILABLE",
    `Cannot save the session to "${db.location() ?? "the database"}": ${why}${fate}`,
    { cause: err },
  );
}

/** True for a constraint failure: the write can never go in as it is (SQLITE_CONSTRAINT). */
function isRefusal(err: unknown): boolean {
  const code = (err as { errcode?: unknown })?.errcode;
  return typeof code === "number" && (code & 0xff) === 19;
}
