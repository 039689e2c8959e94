// Sessions in SQLite: each message, tool call and usage row is written as it happens. With
// `writeBehind`, writes queue in memory until a commit point: the agent reaches one at each wait
// on anything outside (a model, a tool, a person, the end of a run), which appends them to the
// session journal in one write and applies them to SQLite while it waits (see
// session_writer.ts). Before a tool the commit is made at once (`checkpoint()`); before a model
// call or a person, once the wait has begun (`checkpointSoon()`), and in any case before anything
// the wait brings back is acted on (`waited()`). A crash loses at most the part being streamed;
// the next store to open the database replays what a dead process journaled but did not apply.
import { LoomError } from "../core/mod.ts";
import type { Clock, Message, ToolUsePart, Usage } from "../core/mod.ts";
import { transaction } from "../store/mod.ts";
import type { DatabaseSync, StatementSync } from "../store/mod.ts";
import type { ToolOutcome } from "../tools/run.ts";
import type { AgentRole, UsageRole } from "./events.ts";
import {
  type CostTotals,
  readCostsByModel,
  readSessionCosts,
  SESSION_COLUMNS,
  type SessionCosts,
  type SessionInfo,
  type StoredMessage,
  type StoredToolCall,
  toSession,
  toStoredMessage,
  toToolCall,
} from "./session_rows.ts";
import { pairToolCalls } from "./session_damage.ts";
import { forkSession } from "./session_fork.ts";
import type { Op } from "./session_journal.ts";
import { SessionWriter } from "./session_writer.ts";
import {
  forgetSession,
  leaseDir,
  leaseSession,
  releaseSession,
  sessionInUse,
} from "./session_lease.ts";

export type { CostTotals, SessionCosts, SessionInfo, StoredMessage, StoredToolCall };

/** How a session store is opened. */
export interface SessionStoreOptions {
  clock?: Clock;
  newId?: () => string;
  /**
   * Queue writes until `checkpoint()`, `flush()` or any read; one writer per session is assumed.
   * Appends then leave `updated_at` to explicit `touch` calls (the agent touches as a run begins).
   */
  writeBehind?: boolean;
}

/** The session tables of one open database. */
export class SessionStore {
  readonly db: DatabaseSync;
  #clock: Clock;
  #newId: () => string;
  #writeBehind: boolean;
  #statements = new Map<string, StatementSync>();
  #writer: SessionWriter;
  /** The last sequence number given out per session. */
  #seqs = new Map<string, number>();
  /** Where the sessions' lock files live (see session_lease.ts). */
  #leases: string | undefined;

  constructor(db: DatabaseSync, options: SessionStoreOptions = {}) {
    this.db = db;
    this.#clock = options.clock ?? { now: () => Date.now() };
    this.#newId = options.newId ?? (() => crypto.randomUUID());
    this.#writeBehind = options.writeBehind ?? false;
    // Journals live beside the database file; those left there by dead processes are replayed now.
    const location = db.location();
    this.#leases = leaseDir(location);
    this.#writer = new SessionWriter(db, (text) => this.#sql(text), {
      dir: location ? `${location}.journal.d` : undefined,
      journal: this.#writeBehind,
    });
    this.#writer.recover();
  }

  #sql(text: string): StatementSync {
    let stmt = this.#statements.get(text);
    if (!stmt) this.#statements.set(text, stmt = this.db.prepare(text));
    return stmt;
  }

  /** Queues a write; `touch` names the session whose `updated_at` it moves (activity only). */
  #write(touch: string | null, op?: Op): void {
    this.#writer.push(touch === null ? null : { id: touch, at: this.#clock.now() }, op);
    if (!this.#writeBehind) this.flush();
  }

  /** Marks a session active now (its `updated_at`, written with the next commit point). */
  touch(sessionId: string): void {
    this.#write(sessionId);
  }

  /**
   * A commit point before a wait: the queued writes survive a crash from here on (one append to
   * the journal) and reach SQLite as soon as the event loop is free.
   */
  checkpoint(): void {
    this.#writer.checkpoint();
  }

  /**
   * A commit point before a wait that changes nothing outside the process: the queued writes are
   * journaled and applied once the wait has begun, before anything it brings back is read.
   * `sending`: the wait begins with a request the event loop has yet to send (a model call).
   */
  checkpointSoon(sending: boolean): void {
    this.#writer.checkpointSoon(sending);
  }

  /** A wait is over: a deferred commit point not yet made is made now (see SessionWriter). */
  waited(): void {
    this.#writer.waited();
  }

  /** Commits the queued writes to SQLite now (a no-op when nothing is pending). */
  flush(): void {
    this.#writer.flush();
  }

  /** Resolves once every commit point so far has reached SQLite. */
  settled(): Promise<void> {
    return this.#writer.settled();
  }

  /** Puts everything in SQLite and removes the journal; the database stays open. */
  close(): void {
    this.#writer.close();
  }

  /** Starts a session. */
  create(input: { model: string; systemPrompt?: string; parentId?: string }): SessionInfo {
    this.flush();
    const id = this.#newId();
    const now = this.#clock.now();
    this.#sql(
      `INSERT INTO agent_sessions (${SESSION_COLUMNS}) VALUES (?, NULL, ?, ?, ?, ?, ?)`,
    ).run(id, input.parentId ?? null, input.model, input.systemPrompt ?? "", now, now);
    this.#seqs.set(id, 0);
    return this.get(id);
  }

  /** A session by id or unique id prefix; NOT_FOUND otherwise. */
  get(ref: string): SessionInfo {
    this.flush();
    const rows = this.#sql(
      `SELECT ${SESSION_COLUMNS} FROM agent_sessions WHERE id >= ? AND id < ? LIMIT 2`,
    ).all(ref, ref + "\uffff");
    const exact = rows.find((r) => r.id === ref);
    if (exact || rows.length === 1) return toSession(exact ?? rows[0]);
    if (rows.length > 1) {
      throw new LoomError(
        "INVALID_INPUT",
        `Cannot find session "${ref}": the prefix matches more than one session; give more characters`,
      );
    }
    throw new LoomError(
      "NOT_FOUND",
      `Cannot find session "${ref}": no such session; list them with 'loom sessions'`,
    );
  }

  /** Sessions, most recently active first. */
  list(options: { limit?: number } = {}): SessionInfo[] {
    this.flush();
    return this.#sql(
      `SELECT ${SESSION_COLUMNS} FROM agent_sessions ORDER BY updated_at DESC, rowid DESC LIMIT ?`,
    ).all(options.limit ?? 50).map(toSession);
  }

  /** The most recently active session, if any. */
  latest(): SessionInfo | undefined {
    return this.list({ limit: 1 })[0];
  }

  /** Sets the title. */
  setTitle(id: string, title: string): void {
    this.#write(null, ["title", title, id]);
  }

  /** Replaces the stored system prompt (at compaction or resume). */
  setSystemPrompt(id: string, prompt: string): void {
    this.#write(null, ["system_prompt", prompt, id]);
  }

  /** Deletes a session with its messages, calls and usage. */
  remove(id: string): void {
    const session = this.get(id);
    if (this.inUse(session.id)) {
      throw new LoomError(
        "UNAVAILABLE",
        `Cannot remove session "${session.id}": another Loom is using it; remove it once that one has ended`,
      );
    }
    this.#sql("DELETE FROM agent_sessions WHERE id = ?").run(session.id);
    this.#seqs.delete(session.id);
    forgetSession(this.#leases, session.id);
  }

  /**
   * Takes session `id` for this process, for as long as it runs (see session_lease.ts): false
   * when another Loom is using it.
   */
  lease(id: string): boolean {
    return leaseSession(this.#leases, id);
  }

  /** Lets another Loom have session `id` (this process no longer writes to it). */
  release(id: string): void {
    releaseSession(this.#leases, id);
  }

  /** True when another Loom process is using session `id`. */
  inUse(id: string): boolean {
    return sessionInUse(this.#leases, id);
  }

  /** Appends one message; returns its sequence number. */
  append(sessionId: string, message: Message, agentRole: AgentRole = "main"): number {
    const seq = this.#nextSeq(sessionId);
    const now = this.#clock.now();
    const touch = this.#writeBehind ? null : sessionId;
    // The message goes as an object: it is serialised with the journal record, and to the
    // column's text only when SQLite gets it (messages are never changed once appended).
    this.#write(touch, ["message", sessionId, seq, seq * 2, message.role, agentRole, message, now]);
    return seq;
  }

  #nextSeq(sessionId: string): number {
    let last = this.#seqs.get(sessionId);
    if (last === undefined) {
      last = (this.#sql(
        "SELECT coalesce(max(seq), 0) AS last FROM agent_messages WHERE session_id = ?",
      ).get(sessionId) as { last: number }).last;
    }
    this.#seqs.set(sessionId, last + 1);
    return last + 1;
  }

  /** The messages the model sees: summaries and what they did not replace, in order. */
  live(sessionId: string): StoredMessage[] {
    return this.liveChecked(sessionId).messages;
  }

  /**
   * The live messages, and the sequence numbers of those that could not be read (a damaged row
   * is left out, with the tool calls and results it leaves unpaired; see session_damage.ts).
   */
  liveChecked(sessionId: string): { messages: StoredMessage[]; damaged: number[] } {
    return this.#messages(sessionId, "AND hidden = 0");
  }

  /** Every readable message ever written, replaced ones included. */
  all(sessionId: string): StoredMessage[] {
    return this.#messages(sessionId, "").messages;
  }

  #messages(sessionId: string, filter: string): { messages: StoredMessage[]; damaged: number[] } {
    this.flush();
    const rows = this.#sql(
      `SELECT seq, content, agent_role, summary, hidden FROM agent_messages
       WHERE session_id = ? ${filter} ORDER BY pos, seq`,
    ).all(sessionId);
    const messages: StoredMessage[] = [];
    const damaged: number[] = [];
    for (const row of rows) {
      const stored = toStoredMessage(row);
      if (stored) messages.push(stored);
      else damaged.push(row.seq as number);
    }
    return { messages: damaged.length > 0 ? pairToolCalls(messages) : messages, damaged };
  }

  /**
   * Replaces the live messages up to and including `lastSeq` with one summary message, placed
   * where they were. The replaced rows stay in the database, hidden.
   */
  replaceWithSummary(sessionId: string, lastSeq: number, summary: Message): number {
    this.flush();
    return transaction(this.db, () => {
      const pos = (this.#sql(
        "SELECT pos FROM agent_messages WHERE session_id = ? AND seq = ?",
      ).get(sessionId, lastSeq) as { pos: number } | undefined)?.pos;
      if (pos === undefined) throw new Error(`no message ${lastSeq} in session ${sessionId}`);
      this.#sql(
        "UPDATE agent_messages SET hidden = 1 WHERE session_id = ? AND pos <= ? AND hidden = 0",
      ).run(sessionId, pos);
      const seq = this.#nextSeq(sessionId);
      this.#sql(
        `INSERT INTO agent_messages
         (session_id, seq, pos, role, agent_role, content, summary, created_at)
         VALUES (?, ?, ?, ?, 'main', ?, 1, ?)`,
      ).run(sessionId, seq, pos + 1, summary.role, JSON.stringify(summary), this.#clock.now());
      return seq;
    });
  }

  /** Records a tool call as it starts. */
  toolStarted(sessionId: string, call: ToolUsePart): void {
    const now = this.#clock.now();
    this.#write(null, ["tool_started", sessionId, call.id, call.name, call.input, now]);
  }

  /** Records how a tool call ended. */
  toolEnded(sessionId: string, callId: string, outcome: ToolOutcome, durationMs: number): void {
    const decision = outcome.decision ?? null;
    const now = this.#clock.now();
    const ended: Op = ["tool_ended", outcome.text, outcome.isError ? 1 : 0, outcome.code ?? null];
    this.#write(null, [...ended, decision, now, durationMs, sessionId, callId]);
  }

  /** The session's tool calls in the order they started. */
  toolCalls(sessionId: string): StoredToolCall[] {
    this.flush();
    return this.#sql(
      `SELECT call_id, name, input, output, is_error, code, duration_ms FROM agent_tool_calls
       WHERE session_id = ? ORDER BY started_at, rowid`,
    ).all(sessionId).map(toToolCall);
  }

  /** The ids of the session's tool calls (a new call must not reuse one: it keys the call's row). */
  toolCallIds(sessionId: string): string[] {
    this.flush();
    return this.#sql("SELECT call_id FROM agent_tool_calls WHERE session_id = ?").all(sessionId)
      .map((row) => (row as { call_id: string }).call_id);
  }

  /** Records one model call's tokens and dollars. */
  recordUsage(
    sessionId: string,
    row: { step: number; role: UsageRole; model: string; usage: Usage; costUsd: number },
  ): void {
    const u = row.usage;
    const now = this.#clock.now();
    const values: Op = ["usage", sessionId, row.step, row.role, row.model, u.input, u.output];
    this.#write(null, [...values, u.cacheRead, u.cacheWrite, row.costUsd, now]);
  }

  /** A session's costs, whole and by model and role. */
  costs(sessionId: string): SessionCosts {
    this.flush();
    return readSessionCosts((text) => this.#sql(text), sessionId);
  }

  /** Costs per model across every session (for the dashboard). */
  costsByModel(): Record<string, CostTotals> {
    this.flush();
    return readCostsByModel((text) => this.#sql(text));
  }

  /** Copies a session's live messages (up to `uptoSeq` when given) into a new session. */
  fork(sourceRef: string, options: { uptoSeq?: number } = {}): SessionInfo {
    return forkSession(this, sourceRef, options);
  }

  /** Flags a stored message as a compaction summary. */
  markSummary(sessionId: string, seq: number): void {
    this.#write(null, ["summary", sessionId, seq]);
  }
}
