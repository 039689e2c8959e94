// Agent benchmark: a scripted 100-turn session on a small repo, the fake provider answering at
// once and reporting usage as Anthropic would. Reports Loom's own overhead per turn (all but
// model and tool time; request serialisation counted in), tokens sent per turn, and the share of
// input tokens read from the prompt cache after turn 2.
// Run: NO_COLOR=1 deno run --allow-all tests/bench/agent_bench.ts [--turns 100]
import type { AgentEvent } from "../../src/agent/mod.ts";
import type { LanguageModel, ModelRequest, StreamPart } from "../../src/core/mod.ts";
import { drain, openTestAgent } from "../_lib/agent.ts";
import { type RecordedRequest, reply, startFakeLlm } from "../_lib/fake_llm.ts";

const turns = Number(Deno.args[Deno.args.indexOf("--turns") + 1]) || 100;
const FILES = 12;

/**
 * Times what the model takes (SDK, HTTP, the fake) apart from building the request. The adapter
 * serialises the whole request body to UTF-8 JSON bytes synchronously inside `stream()`, and the
 * SDK sends those bytes as they are (no JSON.stringify or encoding of its own), so serialisation
 * is Loom's overhead: it stays in the overhead and is also reported on its own as `serialiseMs`.
 */
function timed(
  model: LanguageModel,
  clock: { modelMs: number; serialiseMs: number },
): LanguageModel {
  return {
    ...model,
    stream(request: ModelRequest, options?: { signal?: AbortSignal }): AsyncIterable<StreamPart> {
      const s0 = performance.now();
      const inner = model.stream(request, options)[Symbol.asyncIterator]();
      clock.serialiseMs += performance.now() - s0;
      return {
        [Symbol.asyncIterator]: () => ({
          async next() {
            const t0 = performance.now();
            try {
              return await inner.next();
            } finally {
              clock.modelMs += performance.now() - t0;
            }
          },
        }),
      };
    },
  };
}

const files: Record<string, string> = {};
for (let i = 0; i < FILES; i++) {
  files[`src/mod_${i}.ts`] = Array.from(
    { length: 30 },
    (_, j) => `export function f${i}_${j}(x: number): number {\n  return x * ${j} + ${i};\n}`,
  ).join("\n");
}

const isNewTurn = (r: RecordedRequest) => {
  const last = r.body.messages.at(-1);
  return !JSON.stringify(last.content).includes("tool_result");
};
await using llm = await startFakeLlm({
  fallback: (r) => {
    if (!r.body.tools) return reply.text("Benchmark session");
    if (!isNewTurn(r)) return reply.text("The file defines thirty small functions.", { chunks: 4 });
    const n = r.body.messages.length;
    return reply.toolCall("file_read", { path: `src/mod_${n % FILES}.ts` }, { text: "Reading." });
  },
});
await using t = await openTestAgent(llm, { files });
const clock = { modelMs: 0, serialiseMs: 0 };
const agent = await t.reopen({ model: timed(t.model("anthropic:claude-sonnet-4-6"), clock) });

interface TurnStats {
  overheadMs: number;
  serialiseMs: number;
  tokensSent: number;
  cacheRead: number;
}
const stats: TurnStats[] = [];
for (let turn = 1; turn <= turns; turn++) {
  const before = { ...clock, requests: 0 };
  const t0 = performance.now();
  const events: AgentEvent[] = await drain(agent.run(`Turn ${turn}: what is in the next file?`));
  const wall = performance.now() - t0;
  const toolMs = events.reduce((s, e) => s + (e.type === "tool-end" ? e.durationMs : 0), 0);
  // The title call (turn 1) is model time too; it is not on the timed model, so leave turn 1 out.
  const modelMs = clock.modelMs - before.modelMs;
  const serialiseMs = clock.serialiseMs - before.serialiseMs;
  const main = llm.requests.slice(before.requests).filter((r) => r.body.tools);
  let sent = 0, read = 0;
  for (const r of main) {
    const u = r.usage!;
    sent += u.input + u.cacheRead + u.cacheWrite;
    read += u.cacheRead;
  }
  // The fake keeps every request body; dropping them keeps its garbage out of Loom's timings.
  llm.requests.length = 0;
  stats.push({
    overheadMs: wall - modelMs - toolMs,
    serialiseMs,
    tokensSent: sent,
    cacheRead: read,
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const around = (turn: number) => stats.slice(Math.max(1, turn - 5), turn).map((s) => s.overheadMs);
const after2 = stats.slice(2);
const share = after2.reduce((s, x) => s + x.cacheRead, 0) /
  after2.reduce((s, x) => s + x.tokensSent, 0);
const fmt = (x: number) => x.toFixed(3);
console.log(`agent benchmark: ${turns} turns, 2 model calls + 1 file_read per turn, fake provider`);
for (const turn of [10, 100].filter((n) => n <= turns)) {
  console.log(
    `overhead per turn at turn ${turn}: ${fmt(stats[turn - 1].overheadMs)} ms ` +
      `(median of turns ${Math.max(2, turn - 4)}-${turn}: ${fmt(median(around(turn)))} ms; ` +
      `of which serialising the requests: ${fmt(stats[turn - 1].serialiseMs)} ms)`,
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
