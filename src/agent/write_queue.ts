// Writes held in memory until a commit point, then committed together in one transaction.
import { transaction } from "../store/mod.ts";
import type { DatabaseSync, StatementSync } from "../store/mod.ts";

/** Queued writes plus, per session, the last activity time to record. */
export class WriteQueue {
  #pending: (() => void)[] = [];
  #touched = new Map<string, number>();

  /** Queues `write`; `touch` (a session and a time) moves that session's `updated_at`. */
  push(touch: { id: string; at: number } | null, write: () => void): void {
    this.#pending.push(write);
    if (touch) this.#touched.set(touch.id, touch.at);
  }

  /** Runs the queued writes and the touches (`touch.run(at, id)`) in one transaction. */
  flush(db: DatabaseSync, touch: StatementSync): void {
    if (this.#pending.length === 0) return;
    const writes = this.#pending;
    const touched = this.#touched;
    // Taken off the queue first: a failed batch is reported once, not retried at every flush.
    this.#pending = [];
    this.#touched = new Map();
    transaction(db, () => {
      for (const write of writes) write();
      for (const [id, at] of touched) touch.run(at, id);
    });
  }
}
