// The typed stream an agent run produces, and the queue that carries it to the front end.
import type { LoomError, PermissionRequest, ProgressUpdate, Usage } from "../core/mod.ts";
import type { Answer, Decision } from "../permissions/types.ts";
import type { ToolOutcome } from "../tools/run.ts";

/** Which model a step ran on: the main agent, or one half of architect/editor. */
export type AgentRole = "main" | "architect" | "editor";

/** Who a model call's tokens are charged to. */
export type UsageRole = AgentRole | "compaction" | "title" | "sub_agent";

/** Why a run stopped. */
export type StopReason =
  | "final"
  | "step_limit"
  | "token_limit"
  | "cancelled"
  | "error"
  | "length";

/** Every event an agent run emits, in order. */
export type AgentEvent =
  | { type: "session"; sessionId: string; resumed: boolean }
  | { type: "step"; step: number; role: AgentRole; model: string }
  | { type: "text-delta"; text: string; role: AgentRole }
  | { type: "retry"; attempt: number; delayMs: number; reason: string }
  | { type: "tool-start"; id: string; name: string; input: Record<string, unknown> }
  | { type: "tool-progress"; id: string; name: string; update: ProgressUpdate }
  | { type: "tool-end"; id: string; name: string; outcome: ToolOutcome; durationMs: number }
  | { type: "permission-ask"; request: PermissionRequest; decision: Decision }
  | { type: "permission-answer"; request: PermissionRequest; answer: Answer }
  | {
    type: "usage";
    role: UsageRole;
    model: string;
    usage: Usage;
    costUsd: number;
    sessionCostUsd: number;
  }
  | {
    type: "compaction";
    summarised: number;
    kept: number;
    tokensBefore: number;
    tokensAfter: number;
    observations: number;
  }
  | { type: "truncated"; toolUseId: string; tokens: number; keptTokens: number }
  | { type: "title"; title: string }
  | { type: "final"; text: string; reason: StopReason; steps: number }
  | { type: "error"; error: LoomError };

/** An unbounded single-consumer queue turned into an async iterable. */
export class EventChannel<T> implements AsyncIterable<T> {
  #items: T[] = [];
  #waiter: (() => void) | undefined;
  #closed = false;

  /** Queues an event (dropped after close). */
  push(item: T): void {
    if (this.#closed) return;
    this.#items.push(item);
    this.#wake();
  }

  /** Ends the stream once the queued events are read. */
  close(): void {
    this.#closed = true;
    this.#wake();
  }

  #wake(): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    let index = 0;
    while (true) {
      if (index < this.#items.length) {
        const item = this.#items[index++];
        if (index > 256) {
          this.#items.splice(0, index);
          index = 0;
        }
        yield item;
        continue;
      }
      if (this.#closed) return;
      await new Promise<void>((resolve) => (this.#waiter = resolve));
    }
  }
}
