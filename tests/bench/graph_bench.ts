/**
 * Decision-graph benchmark (a script, not a test): `deno run -A tests/bench/graph_bench.ts
 * [--nodes 100000] [--runs 20]`. Generates a graph of N nodes and about N edges, then times
 * Loom's graph code side by side with a floor (tests/bench/_graph_floor.ts: the same SQL straight
 * on node:sqlite): bulk import, one durable insert, context build, pulse, and the whole
 * `loom graph context` command against the floor's whole command. Prints medians and ratios.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import {
  buildDecisionContext,
  computePulse,
  DecisionGraph,
  GRAPH_MIGRATIONS,
  importGraph,
} from "../../src/graph/mod.ts";
import { openDatabase } from "../../src/store/mod.ts";
import { floorContext, floorImport, floorInsert, floorOpen, floorPulse } from "./_graph_floor.ts";

const args = parseArgs({
  args: Deno.args,
  options: {
    nodes: { type: "string", default: "100000" },
    runs: { type: "string", default: "20" },
  },
});
const N = Number(args.values.nodes);
const RUNS = Number(args.values.runs);
const ROOT = join(fileURLToPath(new URL(".", import.meta.url)), "..", "..");

function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS =
  "cache index schema writer reader lock queue token budget graph parser render session stream retry"
    .split(" ");
// type → [parent types, edge types to pick from]
const PLAN: [string, string[], string[]][] = [
  ["decision", ["goal", "revisit"], ["leads_to"]],
  ["option", ["decision"], ["chosen", "rejected", "leads_to"]],
  ["action", ["option"], ["leads_to"]],
  ["outcome", ["action"], ["leads_to"]],
  ["observation", ["outcome"], ["leads_to"]],
  ["revisit", ["observation"], ["leads_to"]],
];

/** A forest of goal trees of 50 nodes, each node under an earlier one, plus one forward cross edge per tree. */
function generate(n: number) {
  const rand = prng(42);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const nodes: Record<string, unknown>[] = [];
  const edges: Record<string, unknown>[] = [];
  const t0 = Date.UTC(2025, 0, 1);
  const iso = (i: number) => new Date(t0 + i * 50_000).toISOString();
  const add = (type: string, status: string) => {
    const id = nodes.length + 1;
    nodes.push({
      id,
      change_id: `00000000-0000-4000-8000-${String(id).padStart(12, "0")}`,
      type,
      title: `${pick(WORDS)} ${pick(WORDS)} ${type} ${id}`,
      body: rand() < 0.3 ? `${pick(WORDS)} notes for ${id}` : "",
      status,
      confidence: rand() < 0.5 ? Math.floor(rand() * 101) : null,
      files: rand() < 0.2 ? [`src/${pick(WORDS)}.ts`] : [],
      branch: null,
      commit: null,
      session_id: null,
      created_at: iso(id),
      updated_at: iso(id),
    });
    return id;
  };
  while (nodes.length < n) {
    const tree: Record<string, number[]> = {
      goal: [add("goal", rand() < 0.1 ? "active" : "completed")],
    };
    const size = Math.min(50, n - nodes.length + 1);
    for (let k = 1; k < size; k++) {
      const options = PLAN.filter(([, parents]) => parents.some((p) => tree[p]?.length));
      const [type, parents, kinds] = pick(options);
      const parentType = pick(parents.filter((p) => tree[p]?.length));
      const parent = pick(tree[parentType]);
      const kind = pick(kinds);
      const status = kind === "rejected" ? "rejected" : rand() < 0.1 ? "pending" : "completed";
      const id = add(type, status);
      (tree[type] ??= []).push(id);
      edges.push({
        id: edges.length + 1,
        from: parent,
        to: id,
        type: kind,
        rationale: kind === "leads_to" ? null : `because ${pick(WORDS)}`,
        created_at: iso(id),
      });
    }
    const all = Object.values(tree).flat().sort((a, b) => a - b);
    if (all.length > 2) {
      const a = all[1], b = all[all.length - 1];
      if (!edges.slice(-size).some((e) => e.from === a && e.to === b)) {
        edges.push({
          id: edges.length + 1,
          from: a,
          to: b,
          type: "leads_to",
          rationale: null,
          created_at: iso(b),
        });
      }
    }
  }
  return { format: "loom-decision-graph", version: 1, nodes, edges };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time<T>(fn: () => T): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

const dir = await Deno.makeTempDir({ prefix: "loom-graph-bench-" });
const data = generate(N);
console.log(`graph: ${data.nodes.length} nodes, ${data.edges.length} edges; ${RUNS} runs; ${dir}`);
const rows: [string, number, number][] = [];

// Bulk import: three runs each, fresh files, interleaved.
const importLoom: number[] = [];
const importFloor: number[] = [];
for (let r = 0; r < 3; r++) {
  const a = openDatabase(join(dir, `loom${r}.db`), { migrations: [GRAPH_MIGRATIONS] });
  importLoom.push(time(() => importGraph(new DecisionGraph(a), data)));
  a.close();
  const b = floorOpen(join(dir, `floor${r}.db`));
  b.exec(GRAPH_MIGRATIONS.migrations[0].sql);
  importFloor.push(time(() => floorImport(b, data as never)));
  b.close();
}
rows.push(["bulk import", median(importLoom), median(importFloor)]);

const db = openDatabase(join(dir, "loom0.db"), { migrations: [GRAPH_MIGRATIONS] });
const graph = new DecisionGraph(db);
const raw = floorOpen(join(dir, "floor0.db"));
const insertStmt = raw.prepare(
  `INSERT INTO graph_nodes (change_id, type, title, body, status, confidence, files, branch, commit_sha,
     session_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);
const insLoom: number[] = [];
const insFloor: number[] = [];
for (let i = 0; i < 1000; i++) {
  insLoom.push(time(() => graph.addNode({ type: "observation", title: `bench insert ${i}` })));
  insFloor.push(time(() => floorInsert(raw, insertStmt, `bench insert ${i}`)));
}
rows.push(["single durable insert (p50)", median(insLoom), median(insFloor)]);

const cache = new Map();
const ctxLoom: number[] = [];
const ctxFloor: number[] = [];
const pulseLoom: number[] = [];
const pulseFloor: number[] = [];
for (let i = 0; i < RUNS; i++) {
  ctxLoom.push(time(() => buildDecisionContext(graph, { budgetTokens: 1024 })));
  ctxFloor.push(time(() => floorContext(raw, cache)));
}
for (let i = 0; i < Math.max(3, RUNS / 4); i++) {
  pulseLoom.push(time(() => computePulse(graph)));
  pulseFloor.push(time(() => floorPulse(raw, cache, Date.now())));
}
rows.push(["context build", median(ctxLoom), median(ctxFloor)]);
rows.push(["pulse", median(pulseLoom), median(pulseFloor)]);
db.close();
raw.close();

async function command(argv: string[], env: Record<string, string> = {}): Promise<number> {
  const t = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: argv,
    cwd: dir,
    env: { NO_COLOR: "1", HOME: dir, LOOM_HOME: dir, ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  return performance.now() - t;
}
const cmdLoom: number[] = [];
const cmdFloor: number[] = [];
const main = join(ROOT, "src", "main.ts");
const floorCmd = join(ROOT, "tests", "bench", "_graph_floor.ts");
await command(["run", "-A", "--quiet", main, "graph", "context"], {
  LOOM_DB_PATH: join(dir, "loom0.db"),
});
await command(["run", "-A", "--quiet", floorCmd, join(dir, "floor0.db")]);
for (let i = 0; i < Math.max(5, RUNS / 2); i++) {
  cmdLoom.push(
    await command(["run", "-A", "--quiet", main, "graph", "context"], {
      LOOM_DB_PATH: join(dir, "loom0.db"),
    }),
  );
  cmdFloor.push(await command(["run", "-A", "--quiet", floorCmd, join(dir, "floor0.db")]));
}
rows.push(["`loom graph context` command", median(cmdLoom), median(cmdFloor)]);

console.log("\n| measure | loom (ms) | floor (ms) | ratio |\n|---|---:|---:|---:|");
for (const [name, loom, floor] of rows) {
  console.log(
    `| ${name} | ${loom.toFixed(3)} | ${floor.toFixed(3)} | ${(loom / floor).toFixed(2)}x |`,
  );
}
await Deno.remove(dir, { recursive: true });
