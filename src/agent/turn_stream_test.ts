import assert from "node:assert/strict";
import type { AgentEvent } from "./events.ts";
import { EventChannel } from "./events.ts";
import { streamTurn } from "./turn_stream.ts";

const step = (n: number): AgentEvent => ({ type: "step", step: n, role: "main", model: "m" });

Deno.test("an event channel hands events over in order, before and after its reader waits", async () => {
  const channel = new EventChannel<number>();
  channel.push(1);
  channel.push(2);
  const seen: number[] = [];
  const reading = (async () => {
    for await (const n of channel) seen.push(n);
  })();
  await Promise.resolve();
  channel.push(3);
  channel.close();
  channel.push(4);
  await reading;
  assert.deepEqual(seen, [1, 2, 3]);
});

Deno.test("a failed event channel gives its queued events, then the error", async () => {
  const channel = new EventChannel<number>();
  channel.push(1);
  channel.fail(new Error("broken"));
  assert.deepEqual(await channel.next(), { value: 1, done: false });
  await assert.rejects(channel.next(), /broken/);
});

Deno.test("a turn's events end only after the run has settled", async () => {
  const order: string[] = [];
  const events = streamTurn(
    async (_signal, emit) => {
      emit(step(1));
      await Promise.resolve();
      emit(step(2));
    },
    undefined,
    () => order.push("settled"),
  );
  for await (const event of events) order.push(`step ${(event as { step: number }).step}`);
  order.push("end");
  // Every event is read, and the stream ends only once the run has settled (the reader may be a
  // little behind the run: events queue).
  assert.deepEqual(order.filter((x) => x !== "settled"), ["step 1", "step 2", "end"]);
  assert.ok(order.indexOf("settled") < order.indexOf("end"));
});

Deno.test("leaving a turn's events early cancels the run and waits for it", async () => {
  let aborted = false;
  let settled = false;
  const events = streamTurn(
    async (signal, emit) => {
      emit(step(1));
      await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
      aborted = signal.aborted;
      emit(step(2));
    },
    undefined,
    () => (settled = true),
  );
  const seen: AgentEvent[] = [];
  for await (const event of events) {
    seen.push(event);
    break;
  }
  assert.equal(seen.length, 1);
  assert.equal(aborted, true);
  assert.equal(settled, true);
});

Deno.test("a run that throws ends with an error event and a final event", async () => {
  const events: AgentEvent[] = [];
  for await (
    const event of streamTurn(() => Promise.reject(new Error("boom")), undefined, () => {})
  ) events.push(event);
  assert.deepEqual(events.map((e) => e.type), ["error", "final"]);
  assert.match(
    String((events[0] as { error: Error }).error.message),
    /internal error: Error: boom/,
  );
});

Deno.test("a failure while the run settles reaches the reader instead of hanging it", async () => {
  const events = streamTurn(() => Promise.resolve(), undefined, () => {
    throw new Error("cannot commit");
  });
  await assert.rejects(async () => {
    for await (const _ of events) { /* nothing is emitted */ }
  }, /cannot commit/);
});
