import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { runLoom } from "./_lib/cli.ts";
import { createTempProject } from "./_lib/project.ts";

const WRITER = new URL("./_lib/graph_writer.ts", import.meta.url).pathname;

async function project(git = false) {
  const p = await createTempProject({ "README.md": "hi\n" }, { git });
  const home = join(p.root, ".home");
  await Deno.mkdir(home);
  const loom = (...args: string[]) => runLoom(args, { cwd: p.root, home });
  return { p, home, loom };
}

function count(dbPath: string, table = "graph_nodes"): number {
  const db = new DatabaseSync(dbPath, { readOnly: true });
  const row = db.prepare(`SELECT count(*) AS c FROM ${table}`).get() as { c: number };
  db.close();
  return row.c;
}

Deno.test("loom graph add, link, show and list work end to end and stamp git branch and commit", async () => {
  const { p, loom } = await project(true);
  await using _ = p;
  const head = (await p.git("rev-parse", "HEAD")).trim();
  assert.equal((await loom("graph", "add", "goal", "Ship storage", "--confidence", "80")).code, 0);
  const added = await loom("graph", "add", "decision", "Which database", "--parent", "1", "--json");
  assert.equal(added.code, 0, added.stderr);
  const decision = JSON.parse(added.stdout);
  assert.equal(decision.node.branch, "main");
  assert.equal(decision.node.commit, head);
  await loom(
    "graph",
    "add",
    "option",
    "SQLite",
    "--parent",
    "2",
    "--edge",
    "chosen",
    "--rationale",
    "built in",
  );
  await loom("graph", "add", "option", "Postgres");
  const link = await loom("graph", "link", "2", "4", "rejected", "--rationale", "needs a server");
  assert.equal(link.code, 0, link.stderr);
  const show = await loom("graph", "show", "2");
  assert.match(show.stdout, /→ #3 option "SQLite" \(chosen: built in\)/);
  assert.match(show.stdout, /→ #4 option "Postgres" \(rejected: needs a server\)/);
  const list = JSON.parse((await loom("graph", "list", "--type", "option", "--json")).stdout);
  assert.deepEqual(list.map((n: { id: number }) => n.id), [4, 3]);
  const search = await loom("graph", "list", "--search", "postgr");
  assert.match(search.stdout, /#4 +option +rejected +Postgres/);
  assert.equal(count(p.path(".loom/loom.db")), 4);
  assert.equal(await p.read(".loom/.gitignore"), "*\n");
});

Deno.test("loom graph status, unlink, context, narrative and export print what they did", async () => {
  const { p, loom } = await project();
  await using _ = p;
  await loom("graph", "add", "goal", "g");
  await loom("graph", "add", "decision", "d", "--parent", "1");
  assert.match((await loom("graph", "status", "2", "completed")).stdout, /is now completed/);
  const context = await loom("graph", "context", "--budget", "200");
  assert.match(context.stdout, /<decision_context>[\s\S]*#1 goal "g"/);
  const contextJson = JSON.parse((await loom("graph", "context", "--json")).stdout);
  assert.equal(contextJson.budget, 1024);
  assert.match((await loom("graph", "narrative")).stdout, /# Decision narrative/);
  assert.match((await loom("graph", "export", "--format", "dot")).stdout, /n1 -> n2/);
  assert.match(
    (await loom("graph", "export", "--format", "mermaid")).stdout,
    /n1 -->\|leads_to\| n2/,
  );
  assert.equal((await loom("graph", "unlink", "1", "2")).code, 0);
  assert.equal(count(p.path(".loom/loom.db"), "graph_edges"), 0);
});

Deno.test("loom graph pulse --fail-on gaps exits 1 when a gap exists and 0 when none", async () => {
  const { p, loom } = await project();
  await using _ = p;
  await loom("graph", "add", "goal", "g");
  const gappy = await loom("graph", "pulse", "--fail-on", "gaps");
  assert.equal(gappy.code, 1);
  assert.match(gappy.stdout, /Goals without options \(1\)/);
  await loom("graph", "add", "option", "o", "--parent", "1");
  await loom("graph", "add", "action", "a", "--parent", "2");
  await loom("graph", "add", "outcome", "r", "--parent", "3");
  const clean = await loom("graph", "pulse", "--fail-on", "gaps", "--json");
  assert.equal(clean.code, 0, clean.stdout);
  assert.equal(JSON.parse(clean.stdout).totals.nodes, 4);
});

Deno.test("[graph] stale_days in .loom.toml reaches the pulse", async () => {
  const { p, loom } = await project();
  await using _ = p;
  await p.write(".loom.toml", "[graph]\nstale_days = 3\n");
  const pulse = await loom("graph", "pulse", "--json");
  assert.equal(JSON.parse(pulse.stdout).staleDays, 3);
  assert.doesNotMatch(pulse.stderr, /unknown/i);
});

Deno.test("bad graph input exits non-zero with a clear message and changes nothing", async () => {
  const { p, loom } = await project();
  await using _ = p;
  await loom("graph", "add", "goal", "g");
  await loom("graph", "add", "decision", "d", "--parent", "1");
  const cases: [string[], number, RegExp][] = [
    [["graph", "add", "idea", "x"], 2, /unknown type; use one of goal/],
    [["graph", "add", "goal", ""], 1, /the title is empty/],
    [["graph", "add", "goal", "x", "--confidence", "120"], 2, /whole number from 0 to 100/],
    [["graph", "add", "goal", "x", "--body", "b".repeat(20_001)], 1, /over the 20000 limit/],
    [["graph", "add", "goal", "x", "--parent", "99"], 1, /Cannot find node "99"/],
    [["graph", "link", "2", "1", "leads_to"], 1, /would close the cycle #1 → #2 → #1/],
    [["graph", "link", "2", "1", "chosen"], 1, /a chosen edge goes from/],
    [["graph", "show", "42"], 1, /Cannot find node "42"/],
    [["graph", "status", "1", "finished"], 2, /unknown status/],
    [["graph", "export", "--format", "png"], 2, /use json, dot or mermaid/],
    [["graph", "frobnicate"], 2, /no such subcommand/],
  ];
  for (const [args, code, message] of cases) {
    const run = await loom(...args);
    assert.equal(run.code, code, `${args.join(" ")}: ${run.stderr}`);
    assert.match(run.stderr, message, args.join(" "));
  }
  assert.equal(count(p.path(".loom/loom.db")), 2);
  assert.equal(count(p.path(".loom/loom.db"), "graph_edges"), 1);
  const json = await loom("graph", "show", "42", "--json");
  assert.equal(JSON.parse(json.stdout).error.code, "NOT_FOUND");
});

Deno.test("a malformed import file is refused whole: nothing half-imported", async () => {
  const { p, loom } = await project();
  await using _ = p;
  await loom("graph", "add", "goal", "keep me");
  await p.write("broken.json", "{ not json");
  const broken = await loom("graph", "import", "broken.json");
  assert.equal(broken.code, 1);
  assert.match(broken.stderr, /Cannot import "broken.json": not valid JSON/);
  const nodes = Array.from(
    { length: 50 },
    (_, i) => ({ id: i + 1, change_id: `c${i}`, type: "goal", title: `n${i}`, created_at: 0 }),
  );
  nodes[40] = { ...nodes[40], type: "wish" };
  await p.write(
    "half.json",
    JSON.stringify({ format: "loom-decision-graph", version: 1, nodes, edges: [] }),
  );
  const half = await loom("graph", "import", "half.json");
  assert.equal(half.code, 1);
  assert.match(half.stderr, /nodes\[40\]\.type/);
  assert.equal(count(p.path(".loom/loom.db")), 1);
});

Deno.test("graph export then import into another project round-trips exactly", async () => {
  const a = await project();
  const b = await project();
  await using _a = a.p;
  await using _b = b.p;
  await a.loom("graph", "add", "goal", "g", "--body", "why\nwe care");
  await a.loom("graph", "add", "option", "o", "--parent", "1", "--file", "src/a.ts");
  const exported = (await a.loom("graph", "export")).stdout;
  await b.p.write("graph.json", exported);
  const imported = await b.loom("graph", "import", "graph.json");
  assert.match(imported.stdout, /2 nodes and 1 edges added/);
  assert.equal((await b.loom("graph", "export")).stdout, exported);
});

Deno.test("a .loom that is a file, not a directory, gives a clear error and is left as it was", async () => {
  const { p, loom } = await project();
  await using _ = p;
  await p.write(".loom", "not a directory");
  const run = await loom("graph", "add", "goal", "g");
  assert.equal(run.code, 1);
  assert.match(run.stderr, /Cannot (create|open)[^\n]*\.loom[^\n]*LOOM_DB_PATH/);
  assert.equal(await p.read(".loom"), "not a directory");
});

Deno.test({
  name: "a read-only .loom/ directory gives a clear error and the database is kept",
  ignore: Deno.uid() === 0, // root writes through read-only modes
  async fn() {
    const { p, loom } = await project();
    await using _ = p;
    await loom("graph", "add", "goal", "g");
    await Deno.chmod(p.path(".loom"), 0o555);
    await Deno.chmod(p.path(".loom/loom.db"), 0o444);
    try {
      const run = await loom("graph", "add", "goal", "h");
      assert.equal(run.code, 1);
      assert.match(run.stderr, /Cannot/);
    } finally {
      await Deno.chmod(p.path(".loom"), 0o755);
      await Deno.chmod(p.path(".loom/loom.db"), 0o644);
    }
    assert.equal(count(p.path(".loom/loom.db")), 1);
  },
});

Deno.test("LOOM_DB_PATH puts the graph elsewhere", async () => {
  const { p, home } = await project();
  await using _ = p;
  const dbPath = join(home, "elsewhere.db");
  const run = await runLoom(["graph", "add", "goal", "g"], {
    cwd: p.root,
    home,
    env: { LOOM_DB_PATH: dbPath },
  });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(count(dbPath), 1);
  await assert.rejects(() => Deno.stat(p.path(".loom")));
});

function spawnWriter(args: string[]) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", WRITER, ...args],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
}

async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, word: string) {
  let seen = "";
  while (!seen.includes(word)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`stream ended before "${word}": ${seen}`);
    seen += new TextDecoder().decode(value);
  }
  return seen;
}

Deno.test("two processes writing at once both succeed: no 'database is locked'", async () => {
  const { p } = await project();
  await using _ = p;
  const dbPath = p.path("shared.db");
  const writers = ["left", "right"].map((name) => spawnWriter(["add", dbPath, "500", name]));
  const readers = writers.map((w) => w.stdout.getReader());
  for (const r of readers) await readUntil(r, "ready");
  for (const w of writers) {
    const stdin = w.stdin.getWriter();
    await stdin.write(new TextEncoder().encode("go\n"));
    await stdin.close();
  }
  for (const r of readers) await readUntil(r, "done");
  for (const r of readers) r.releaseLock();
  const results = await Promise.all(writers.map((w) => w.output()));
  for (const r of results) assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
  assert.equal(count(dbPath), 1000);
  assert.equal(count(dbPath, "graph_edges"), 998);
  const db = new DatabaseSync(dbPath);
  assert.equal(Object.values(db.prepare("PRAGMA integrity_check").get()!)[0], "ok");
  db.close();
});

Deno.test("kill -9 in the middle of an import leaves a clean database with nothing half-written", async () => {
  const { p, loom } = await project();
  await using _ = p;
  await loom("graph", "add", "goal", "before the crash");
  const dbPath = p.path(".loom/loom.db");
  const writer = spawnWriter(["import", dbPath, "5000"]);
  const reader = writer.stdout.getReader();
  await readUntil(reader, "progress"); // the writer now blocks inside the open transaction
  writer.kill("SIGKILL");
  reader.releaseLock();
  const status = await writer.status;
  assert.equal(status.signal, "SIGKILL");
  await writer.stdin.close().catch(() => {});
  const db = new DatabaseSync(dbPath);
  assert.equal(Object.values(db.prepare("PRAGMA integrity_check").get()!)[0], "ok");
  db.close();
  assert.equal(count(dbPath), 1);
  const list = await loom("graph", "list", "--json");
  assert.deepEqual(JSON.parse(list.stdout).map((n: { title: string }) => n.title), [
    "before the crash",
  ]);
  assert.equal((await loom("graph", "add", "goal", "after the crash")).code, 0);
  assert.equal(count(dbPath), 2);
});
