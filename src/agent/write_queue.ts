// Writes held in memory until a commit point, as data (so they can go to the journal first).
import type { Op } from "./session_journal.ts";

/** Queued writes plus, per session, the last activity time to record. */
export class WriteQueue {
  #ops: Op[] = [];
  #touched = new Map<string, number>();

  /** Queues `op` (when given); `touch` (a session and a time) moves that session's `updated_at`. */
  push(touch: { id: string; at: number } | null, op?: Op): void {
    if (op) this.#ops.push(op);
    if (touch) this.#touched.set(touch.id, touch.at);
  }

  /** True when nothing is queued. */
  get empty(): boolean {
    return this.#ops.length === 0 && this.#touched.size === 0;
  }

  /** Takes everything queued, the touches last (`["touch", at, id]`). */
  take(): Op[] {
    const ops = this.#ops;
    for (const [id, at] of this.#touched) ops.push(["touch", at, id]);
    this.#ops = [];
    this.#touched = new Map();
    return ops;
  }
}
