// Agent benchmark: a scripted 100-turn session on a small repo, the fake provider answering at
// once and reporting usage as Anthropic would. Reports Loom's own overhead per turn (all but
// model and tool time, where model time is time inside the provider's SDK; request serialisation
// and the handling of each streamed event are Loom's), tokens sent per turn, and the share of
// input tokens read from the prompt cache after turn 2.
// Before each wait (model call, tool, end of the run) the agent reaches a commit point. Before a
// wait that changes nothing outside (all of them here) the commit is made once the wait has begun:
// one append to the session journal, then the SQLite transaction that applies it. Both run inside
// the wait and are reported on their own line, so nothing is hidden; what the commit points cost
// on the critical path (queueing, arming) is timed within the overhead.
// Before the session, the agent warms up as the REPL does while the person types its first message
// (rehearsed turns on the model's rehearsal, see src/agent/warm_up.ts); `--cold` leaves that out,
// as for a library caller that does not warm up. The session is otherwise the same.
// Run: NO_COLOR=1 deno run --allow-all tests/bench/agent_bench.ts [--turns 100] [--cold | --warm-turns N]
import { type AgentEvent, warmUp } from "../../src/agent/mod.ts";
import { SessionJournal } from "../../src/agent/session_journal.ts";
import type { SessionStore } from "../../src/agent/session_store.ts";
import type { LanguageModel, ModelRequest, StreamPart } from "../../src/core/mod.ts";
import { drain, openTestAgent } from "../_lib/agent.ts";
import { type FakeLlm, reply, startFakeLlm } from "../_lib/fake_llm.ts";
import { benchFiles, type Fake, median, timeSdk, workerFake } from "./_agent_harness.ts";

const turns = Number(Deno.args[Deno.args.indexOf("--turns") + 1]) || 100;
const FILES = 12;

/**
 * Times request serialisation on its own: the adapter serialises the whole request body to UTF-8
 * JSON bytes synchronously inside `stream()`, and the SDK sends those bytes as they are.
 */
function timed(model: LanguageModel, clock: { serialiseMs: number }): LanguageModel {
  return {
    ...model,
    stream(request: ModelRequest, options?: { signal?: AbortSignal }): AsyncIterable<StreamPart> {
      const s0 = performance.now();
      const parts = model.stream(request, options);
      clock.serialiseMs += performance.now() - s0;
      return parts;
    },
  };
}

const files = benchFiles(FILES);

// The fake answers from a Worker (see _agent_fake_worker.ts): its own work must not be counted.
// `--fake inline` runs it on the agent's thread instead, as earlier versions of this benchmark did.
const inline = Deno.args[Deno.args.indexOf("--fake") + 1] === "inline";
const fake = inline ? await inlineFake() : await workerFake(FILES);
await using t = await openTestAgent({ env: () => fake.env } as FakeLlm, { files });
const clock = { modelMs: 0, serialiseMs: 0, commitMs: 0, journalMs: 0, applyMs: 0 };
// When each request was handed to the SDK, to compare with when the fake had all of it: work
// that held a request back would be hidden in model time, but shows there.
const posted: number[] = [];
timeSdk(clock, posted);
const model = timed(t.model("anthropic:claude-sonnet-4-6"), clock);
const agent = await t.reopen({ model });
// The commit points' part on the critical path, timed on the store itself.
for (const name of ["checkpoint", "checkpointSoon", "waited"] as const) {
  const method = agent.store[name] as (this: SessionStore, ...args: unknown[]) => void;
  (agent.store[name] as (...args: unknown[]) => void) = (...args) => {
    const t0 = performance.now();
    try {
      method.apply(agent.store, args);
    } finally {
      clock.commitMs += performance.now() - t0;
    }
  };
}
// What runs while the agent waits: journal appends, and the SQLite transactions that apply them
// (BEGIN to COMMIT).
const append = SessionJournal.prototype.append;
SessionJournal.prototype.append = function (this: SessionJournal, ops) {
  const t0 = performance.now();
  try {
    return append.call(this, ops);
  } finally {
    clock.journalMs += performance.now() - t0;
  }
};
const db = agent.store.db;
const exec = db.exec.bind(db);
let begun = 0;
db.exec = (sql: string) => {
  if (sql === "BEGIN IMMEDIATE") begun = performance.now();
  exec(sql);
  if (sql === "COMMIT") clock.applyMs += performance.now() - begun;
};

interface TurnStats {
  /** Median time from handing a request to the SDK to the fake having all of it. */
  deliveryMs: number;
  overheadMs: number;
  wallMs: number;
  applyMs: number;
  journalMs: number;
  serialiseMs: number;
  commitMs: number;
  tokensSent: number;
  cacheRead: number;
}
// Warming up, as the REPL does before the first turn; its calls are not the session's.
const cold = Deno.args.includes("--cold");
const warming = performance.now();
const warmTurns = Deno.args.includes("--warm-turns")
  ? Number(Deno.args[Deno.args.indexOf("--warm-turns") + 1])
  : undefined;
const rehearsed = cold ? 0 : await warmUp({ model, host: t.host, turns: warmTurns });
const warmUpMs = performance.now() - warming;
for (const key of Object.keys(clock) as (keyof typeof clock)[]) clock[key] = 0;
posted.length = 0;
const stats: TurnStats[] = [];
for (let turn = 1; turn <= turns; turn++) {
  const before = { ...clock };
  const t0 = performance.now();
  const events: AgentEvent[] = await drain(agent.run(`Turn ${turn}: what is in the next file?`));
  const wall = performance.now() - t0;
  const toolMs = events.reduce((s, e) => s + (e.type === "tool-end" ? e.durationMs : 0), 0);
  // Turn 1 also generates the session's title on another model: medians leave it out.
  const modelMs = clock.modelMs - before.modelMs;
  const serialiseMs = clock.serialiseMs - before.serialiseMs;
  const commitMs = clock.commitMs - before.commitMs;
  const applyMs = clock.applyMs - before.applyMs;
  const journalMs = clock.journalMs - before.journalMs;
  // Collected after the clock stops: the fake's requests are not the agent's work.
  const served = await fake.take();
  const delivery = served.map((r, i) => r.receivedAt - posted[i]);
  posted.length = 0;
  const main = served.filter((r) => r.main);
  let sent = 0, read = 0;
  for (const r of main) {
    sent += r.input + r.cacheRead + r.cacheWrite;
    read += r.cacheRead;
  }
  stats.push({
    overheadMs: wall - modelMs - toolMs,
    wallMs: wall,
    applyMs,
    journalMs,
    serialiseMs,
    commitMs,
    tokensSent: sent,
    deliveryMs: median(delivery),
    cacheRead: read,
  });
}

const around = (turn: number) => stats.slice(Math.max(1, turn - 5), turn).map((s) => s.overheadMs);
const after2 = stats.slice(2);
const share = after2.reduce((s, x) => s + x.cacheRead, 0) /
  after2.reduce((s, x) => s + x.tokensSent, 0);
const fmt = (x: number) => x.toFixed(3);
console.log(
  `agent benchmark: ${turns} turns, 2 model calls + 1 file_read per turn, ` +
    `fake provider ${inline ? "on the same thread" : "in a Worker"}`,
);
console.log(
  cold
    ? "cold: no warming up before the session"
    : `warmed up first: ${rehearsed} rehearsed turns in ${warmUpMs.toFixed(0)} ms (wall time, ` +
      "before the session, as the REPL does while the person types)",
);
for (const turn of [10, 100].filter((n) => n <= turns)) {
  console.log(
    `overhead per turn at turn ${turn}: ${fmt(stats[turn - 1].overheadMs)} ms ` +
      `(median of turns ${Math.max(2, turn - 4)}-${turn}: ${fmt(median(around(turn)))} ms; ` +
      `of which serialising the requests: ${fmt(stats[turn - 1].serialiseMs)} ms, ` +
      `the session's commit points on the critical path: ${fmt(stats[turn - 1].commitMs)} ms)`,
  );
}
// Committing the session (journal appends, then the SQLite transactions that apply them) happens
// once a wait on the model or a tool has begun, so it is inside model or tool time above;
// reported here so nothing is hidden. A turn's wall time (all of it: model, tools, Loom) shows
// whether it really overlapped.
for (const turn of [10, 100].filter((n) => n <= turns)) {
  const xs = stats.slice(Math.max(1, turn - 5), turn);
  const s = stats[turn - 1];
  console.log(
    `turn ${turn}: committing the session while waiting: journal appends ${fmt(s.journalMs)} ms, ` +
      `SQLite transactions ${fmt(s.applyMs)} ms; whole turn, median of turns ${
        Math.max(2, turn - 4)
      }-${turn}: ${fmt(median(xs.map((s) => s.wallMs)))} ms; a request reaches the provider ` +
      `${fmt(median(xs.map((s) => s.deliveryMs)))} ms after Loom hands it to the SDK`,
  );
}
// Means include the turns where SQLite checkpoints its WAL (every few dozen turns, a few ms).
const mean = (from: number, to: number) => {
  const xs = stats.slice(from - 1, to).map((x) => x.overheadMs);
  return xs.reduce((a, b) => a + b, 0) / xs.length;
};
console.log(
  `mean overhead per turn: turns 2-10 ${fmt(mean(2, Math.min(10, turns)))} ms` +
    (turns >= 100 ? `, turns 91-100 ${fmt(mean(91, 100))} ms` : ""),
);
console.log(
  `tokens sent per turn: turn 1 ${stats[0].tokensSent}, turn 10 ${
    stats[Math.min(9, turns - 1)].tokensSent
  }, ` +
    `turn ${turns} ${stats[turns - 1].tokensSent}`,
);
console.log(`cache-read share of input tokens after turn 2: ${share.toFixed(4)}`);
console.log(
  `session cost: $${agent.costs()!.total.costUsd.toFixed(4)} over ${
    agent.costs()!.total.calls
  } calls`,
);
await fake.close();

async function inlineFake(): Promise<Fake> {
  const isNewTurn = (r: { body: { messages: { content: unknown }[] } }) =>
    !JSON.stringify(r.body.messages.at(-1)!.content).includes("tool_result");
  const llm = await startFakeLlm({
    fallback: (r) => {
      if (!r.body.tools) return reply.text("Benchmark session");
      if (!isNewTurn(r)) {
        return reply.text("The file defines thirty small functions.", { chunks: 4 });
      }
      const n = r.body.messages.length;
      return reply.toolCall("file_read", { path: `src/mod_${n % FILES}.ts` }, { text: "Reading." });
    },
  });
  return {
    env: llm.env(),
    take: () => {
      const served = llm.requests.map((r) => ({
        main: Boolean(r.body.tools),
        receivedAt: r.receivedAt,
        ...r.usage!,
      }));
      // Dropping the bodies keeps the fake's garbage out of Loom's timings.
      llm.requests.length = 0;
      return Promise.resolve(served);
    },
    close: () => llm.close(),
  };
}
