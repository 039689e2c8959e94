/**
 * Decision-graph benchmark (a script, not a test): `deno run -A tests/bench/graph_bench.ts
 * [--nodes 100000] [--runs 100]`. Generates a graph of N nodes and about N edges, then times
 * Loom's graph code side by side with a floor (tests/bench/_graph_floor.ts: the same SQL straight
 * on node:sqlite): bulk import, one durable insert, context build, pulse, and the whole
 * `loom graph context` command against the floor's whole command. Prints medians and ratios.
 * Before timing, it checks on a small graph that the floor prepares exactly the statements Loom
 * prepares for each measure, and stops if they differ.
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
import {
  floorContext,
  floorImport,
  floorInsert,
  floorOpen,
  floorPrepare,
  floorPulse,
} from "./_graph_floor.ts";

const args = parseArgs({
  args: Deno.args,
  options: {
    nodes: { type: "string", default: "100000" },
    runs: { type: "string", default: "100" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (args.values.help) {
  console.log(
    "usage: deno run -A tests/bench/graph_bench.ts [--nodes 100000] [--runs 100]\n" +
      "  --nodes N  nodes in the generated graph (about as many edges)\n" +
      "  --runs N   context builds timed (pulse: N/8, whole commands: N/5, at least 6 each)",
  );
  Deno.exit(0);
}
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

/** Times Loom and the floor `n` times each, alternating which goes first (caches, CPU clock). */
async function pair(
  n: number,
  loom: (i: number) => unknown,
  floor: (i: number) => unknown,
): Promise<[number[], number[]]> {
  const a: number[] = [], b: number[] = [];
  const once = async (fn: (i: number) => unknown, i: number) => {
    const t = performance.now();
    await fn(i);
    return performance.now() - t;
  };
  for (let i = 0; i < n; i++) {
    if (i % 2 === 0) a.push(await once(loom, i)), b.push(await once(floor, i));
    else b.push(await once(floor, i)), a.push(await once(loom, i));
  }
  return [a, b];
}

/** Runs `loom` and `floor` on a graph of `small` nodes and fails when their statements differ. */
function checkSameSql(dir: string, small: ReturnType<typeof generate>): void {
  const norm = (s: Set<string>) => new Set([...s].map((t) => t.replace(/\s+/g, " ").trim()));
  const loomDb = openDatabase(join(dir, "check-loom.db"), { migrations: [GRAPH_MIGRATIONS] });
  const floorDb = floorOpen(join(dir, "check-floor.db"));
  floorDb.exec(GRAPH_MIGRATIONS.migrations[0].sql);
  const phases: [
    string,
    (g: DecisionGraph) => unknown,
    (q: ReturnType<typeof floorPrepare>) => unknown,
  ][] = [
    ["bulk import", (g) => importGraph(g, small), (q) => floorImport(floorDb, q, small as never)],
    [
      "single insert",
      (g) => g.addNode({ type: "observation", title: "check" }),
      (q) => floorInsert(floorDb, q, "check"),
    ],
    [
      "context build",
      (g) => buildDecisionContext(g, { budgetTokens: 1024 }),
      (q) => floorContext(q),
    ],
    ["pulse", (g) => computePulse(g), (q) => floorPulse(q, Date.now())],
  ];
  for (const [name, loom, floor] of phases) {
    const graph = new DecisionGraph(loomDb);
    const seenLoom = new Set<string>();
    const sql = graph.sql.bind(graph);
    graph.sql = (text: string) => (seenLoom.add(text), sql(text));
    loom(graph);
    const seenFloor = new Set<string>();
    floor(floorPrepare(floorDb, seenFloor));
    const a = norm(seenLoom), b = norm(seenFloor);
    const onlyLoom = [...a].filter((t) => !b.has(t));
    const onlyFloor = [...b].filter((t) => !a.has(t));
    if (onlyLoom.length || onlyFloor.length) {
      console.error(`${name}: the floor does not run Loom's SQL`);
      for (const t of onlyLoom) console.error(`  only in Loom:  ${t}`);
      for (const t of onlyFloor) console.error(`  only in floor: ${t}`);
      Deno.removeSync(dir, { recursive: true });
      Deno.exit(1);
    }
    console.log(`${name}: same ${a.size} statements in Loom and the floor`);
  }
  loomDb.close();
  floorDb.close();
}

const dir = await Deno.makeTempDir({ prefix: "loom-graph-bench-" });
checkSameSql(dir, generate(500));
const data = generate(N);
console.log(`graph: ${data.nodes.length} nodes, ${data.edges.length} edges; ${RUNS} runs; ${dir}`);
const rows: [string, number, number][] = [];

// Bulk import: three runs each into fresh files (opened and migrated outside the timing).
const importLoom: number[] = [];
const importFloor: number[] = [];
for (let r = 0; r < 3; r++) {
  const a = openDatabase(join(dir, `loom${r}.db`), { migrations: [GRAPH_MIGRATIONS] });
  const b = floorOpen(join(dir, `floor${r}.db`));
  b.exec(GRAPH_MIGRATIONS.migrations[0].sql);
  const q = floorPrepare(b);
  const runLoom = () => importLoom.push(time(() => importGraph(new DecisionGraph(a), data)));
  const runFloor = () => importFloor.push(time(() => floorImport(b, q, data as never)));
  if (r % 2 === 0) runLoom(), runFloor();
  else runFloor(), runLoom();
  a.close();
  b.close();
}
rows.push(["bulk import", median(importLoom), median(importFloor)]);

const db = openDatabase(join(dir, "loom0.db"), { migrations: [GRAPH_MIGRATIONS] });
const graph = new DecisionGraph(db);
const raw = floorOpen(join(dir, "floor0.db"));
const q = floorPrepare(raw);
const [insLoom, insFloor] = await pair(
  1000,
  (i) => graph.addNode({ type: "observation", title: `bench insert ${i}` }),
  (i) => floorInsert(raw, q, `bench insert ${i}`),
);
rows.push(["single durable insert (p50)", median(insLoom), median(insFloor)]);

const [ctxLoom, ctxFloor] = await pair(
  RUNS,
  () => buildDecisionContext(graph, { budgetTokens: 1024 }),
  () => floorContext(q),
);
rows.push(["context build", median(ctxLoom), median(ctxFloor)]);
const [pulseLoom, pulseFloor] = await pair(
  Math.max(6, Math.round(RUNS / 8)),
  () => computePulse(graph),
  () => floorPulse(q, Date.now()),
);
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
const main = join(ROOT, "src", "main.ts");
const floorCmd = join(ROOT, "tests", "bench", "_graph_floor.ts");
await command(["run", "-A", "--quiet", main, "graph", "context"], {
  LOOM_DB_PATH: join(dir, "loom0.db"),
});
await command(["run", "-A", "--quiet", floorCmd, join(dir, "floor0.db")]);
const [cmdLoom, cmdFloor] = await pair(
  Math.max(6, Math.round(RUNS / 5)),
  () =>
    command(["run", "-A", "--quiet", main, "graph", "context"], {
      LOOM_DB_PATH: join(dir, "loom0.db"),
    }),
  () => command(["run", "-A", "--quiet", floorCmd, join(dir, "floor0.db")]),
);
rows.push(["`loom graph context` command", median(cmdLoom), median(cmdFloor)]);

console.log("\n| measure | loom (ms) | floor (ms) | ratio |\n|---|---:|---:|---:|");
for (const [name, loom, floor] of rows) {
  console.log(
    `| ${name} | ${loom.toFixed(3)} | ${floor.toFixed(3)} | ${(loom / floor).toFixed(2)}x |`,
  );
}
await Deno.remove(dir, { recursive: true });
