// The typed stream an agent run produces, and the queue that carries it to the front end.
import type { LoomError, PermissionRequest, ProgressUpdate, Usage } from "../core/mod.ts";
import type { Answer, Decision } from "../permissions/types.ts";
import type { ToolOutcome } from "../tools/run.ts";

/** Which model a step ran on: the main agent, or one half of architect/editor. */
export type AgentRole = "main" | "architect" | "editor";

/** Who a model call's tokens are charged to. */
export type UsageRole = AgentRole | "compaction" | "title" | "sub_agent";

/** What the loop is about to wait on, for its commit point: a model call, or tool calls. */
export type WaitKind = "model" | "tools";

/** Why a run stopped. */
export type StopReason =
  | "final"
  | "step_limit"
  | "token_limit"
  | "cancelled"
  | "error"
  | "length"
  /** The provider stopped the reply: a refusal, or its content filter. */
  | "refused";

/** Every event an agent run emits, in order. */
export type AgentEvent =
  | { type: "session"; sessionId: string; resumed: boolean }
  | { type: "step"; step: number; role: AgentRole; model: string }
  | { type: "text-delta"; text: string; role: AgentRole }
  | { type: "retry"; attempt: number; maxAttempts?: number; delayMs: number; reason: string }
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

/**
 * An unbounded single-consumer queue turned into an async iterable. The iterator is written by
 * hand, not as an async generator: an event then costs one settled promise, not a generator
 * resumption per layer.
 */
export class EventChannel<T> implements AsyncIterable<T> {
  #items: T[] = [];
  #head = 0;
  #waiter: ((result: IteratorResult<T> | Promise<IteratorResult<T>>) => void) | undefined;
  #closed = false;
  #failure: { error: unknown } | undefined;

  /** Queues an event (dropped after close). */
  push(item: T): void {
    if (this.#closed) return;
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = undefined;
      waiter({ value: item, done: false });
    } else this.#items.push(item);
  }

  /** Ends the stream once the queued events are read. */
  close(): void {
    this.#finish(undefined);
  }

  /** Ends the stream once the queued events are read, then rejects the reader with `error`. */
  fail(error: unknown): void {
    this.#finish({ error });
  }

  #finish(failure: { error: unknown } | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#failure = failure;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.(this.#end());
  }

  #end(): Promise<IteratorResult<T>> {
    return this.#failure
      ? Promise.reject(this.#failure.error)
      : Promise.resolve({ value: undefined, done: true });
  }

  /** The next event, or done once the channel is closed and drained. */
  next(): Promise<IteratorResult<T>> {
    if (this.#head < this.#items.length) {
      const value = this.#items[this.#head++];
      if (this.#head > 256) {
        this.#items.splice(0, this.#head);
        this.#head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.#closed) return this.#end();
    if (this.#waiter) throw new Error("an EventChannel has one reader at a time");
    return new Promise((resolve) => (this.#waiter = resolve));
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return { next: () => this.next() };
  }
}
