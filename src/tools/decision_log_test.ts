import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { createTempProject } from "../../tests/_lib/project.ts";
import type { TempProject } from "../../tests/_lib/project.ts";
import { openToolHost } from "./host.ts";
import { runTool } from "./run.ts";

/** A real host on a temp project, with Loom's home inside it. */
async function openHost(project: TempProject) {
  const opened = await openToolHost({ root: project.root, home: project.path("home"), env: {} });
  const call = (args: Record<string, unknown>) => runTool(opened.host, "decision_log", args);
  return { opened, call, [Symbol.dispose]: () => opened.closeGraph() };
}

/** Rows on disk, read through a separate connection. */
function rows(project: TempProject, sql: string): Record<string, unknown>[] {
  const db = new DatabaseSync(project.path(".loom/loom.db"), { readOnly: true });
  try {
    return db.prepare(sql).all().map((row) => ({ ...row }));
  } finally {
    db.close();
  }
}

Deno.test("decision_log creates a node under its parents in one call and it is on disk", async () => {
  await using project = await createTempProject();
  using h = await openHost(project);
  const goal = await h.call({ action: "create", type: "goal", title: "Ship the graph" });
  assert.equal(goal.isError, undefined, goal.text);
  assert.match(goal.text, /Logged #1 goal "Ship the graph" \[active\]/);
  assert.match(goal.text, /Next: log the decision/);
  const decision = await h.call({
    action: "create",
    type: "decision",
    title: "Where to store it",
    confidence: 40,
    files: ["src/store/database.ts"],
    parents: [{ id: "#1", rationale: "storage comes first" }],
  });
  assert.equal(decision.isError, undefined, decision.text);
  assert.match(decision.text, /linked #1 → #2 \(leads_to\): storage comes first/);
  const structured = decision.structured as {
    node: { id: number; confidence: number; files: string[] };
    edges: { from: number; to: number }[];
  };
  assert.equal(structured.node.confidence, 40);
  assert.deepEqual(structured.edges.map((e) => [e.from, e.to]), [[1, 2]]);
  assert.deepEqual(rows(project, "SELECT id, type, confidence FROM graph_nodes ORDER BY id"), [
    { id: 1, type: "goal", confidence: null },
    { id: 2, type: "decision", confidence: 40 },
  ]);
  assert.deepEqual(rows(project, "SELECT from_id, to_id, type, rationale FROM graph_edges"), [
    { from_id: 1, to_id: 2, type: "leads_to", rationale: "storage comes first" },
  ]);
});

Deno.test("decision_log with an unknown parent fails and leaves no half-made node behind", async () => {
  await using project = await createTempProject();
  using h = await openHost(project);
  await h.call({ action: "create", type: "goal", title: "Ship" });
  const result = await h.call({
    action: "create",
    type: "decision",
    title: "Orphan in the making",
    parents: [{ id: 1 }, { id: 99 }],
  });
  assert.equal(result.isError, true);
  assert.equal(result.code, "NOT_FOUND");
  assert.match(result.text, /Cannot find node "99"/);
  assert.deepEqual(rows(project, "SELECT count(*) AS c FROM graph_nodes"), [{ c: 1 }]);
  assert.deepEqual(rows(project, "SELECT count(*) AS c FROM graph_edges"), [{ c: 0 }]);
});

Deno.test("decision_log refuses cycles, nonsense edges, bad confidence, empty titles and huge bodies", async () => {
  await using project = await createTempProject();
  using h = await openHost(project);
  await h.call({ action: "create", type: "goal", title: "G" });
  await h.call({ action: "create", type: "decision", title: "D", parents: [{ id: 1 }] });
  await h.call({ action: "create", type: "option", title: "O", parents: [{ id: 2 }] });

  const cycle = await h.call({ action: "link", from: 3, to: 1, edge: "leads_to" });
  assert.equal(cycle.code, "INVALID_INPUT");
  assert.match(cycle.text, /would close the cycle #1 → #2 → #3 → #1/);
  const nonsense = await h.call({ action: "link", from: 3, to: 1, edge: "chosen" });
  assert.match(nonsense.text, /a chosen edge goes from a decision or a revisit/);
  const confidence = await h.call({ action: "update", id: 2, confidence: 150 });
  assert.equal(confidence.code, "USAGE");
  assert.match(confidence.text, /confidence/);
  const empty = await h.call({ action: "create", type: "goal", title: "   " });
  assert.match(empty.text, /the title is empty; give a title/);
  const huge = await h.call({
    action: "create",
    type: "goal",
    title: "Big",
    body: "x".repeat(30_000),
  });
  assert.equal(huge.code, "TOO_LARGE");
  const unknownType = await h.call({ action: "create", type: "wish", title: "W" });
  assert.equal(unknownType.code, "USAGE");
  assert.match(unknownType.text, /type/);
  const nothing = await h.call({ action: "update", id: 2 });
  assert.match(nothing.text, /nothing to change/);

  assert.deepEqual(rows(project, "SELECT count(*) AS c FROM graph_nodes"), [{ c: 3 }]);
  assert.deepEqual(rows(project, "SELECT count(*) AS c FROM graph_edges"), [{ c: 2 }]);
  assert.deepEqual(rows(project, "SELECT confidence FROM graph_nodes WHERE id = 2"), [
    { confidence: null },
  ]);
});

Deno.test("decision_log updates, rejects, supersedes and unlinks, and each change lands on disk", async () => {
  await using project = await createTempProject();
  using h = await openHost(project);
  await h.call({ action: "create", type: "decision", title: "Storage" });
  await h.call({ action: "create", type: "option", title: "JSON file" });
  await h.call({ action: "create", type: "option", title: "SQLite" });

  const rejected = await h.call({
    action: "link",
    from: 1,
    to: 2,
    edge: "rejected",
    rationale: "lost updates with two writers",
  });
  assert.equal(rejected.isError, undefined, rejected.text);
  const updated = await h.call({ action: "update", id: 3, status: "active", confidence: 80 });
  assert.match(updated.text, /Updated #3 option "SQLite" \[active, 80%\]/);
  const superseded = await h.call({ action: "supersede", id: 2, by: 3, rationale: "SQLite won" });
  assert.match(superseded.text, /Superseded #2 option "JSON file" \[superseded\] by #3/);
  const unlinked = await h.call({ action: "unlink", from: 1, to: 2 });
  assert.match(unlinked.text, /Removed 1 edge from #1 to #2/);
  const again = await h.call({ action: "unlink", from: 1, to: 2 });
  assert.equal(again.code, "NOT_FOUND");

  assert.deepEqual(rows(project, "SELECT id, status, confidence FROM graph_nodes ORDER BY id"), [
    { id: 1, status: "pending", confidence: null },
    { id: 2, status: "superseded", confidence: null },
    { id: 3, status: "active", confidence: 80 },
  ]);
  assert.deepEqual(rows(project, "SELECT from_id, to_id, type FROM graph_edges"), [
    { from_id: 2, to_id: 3, type: "supersedes" },
  ]);
});

Deno.test("decision_log is allowed without asking, yet a deny rule stops it before the database opens", async () => {
  await using project = await createTempProject();
  using allowed = await openHost(project);
  const ok = await allowed.call({ action: "create", type: "goal", title: "Allowed" });
  assert.equal(ok.decision?.action, "allow");
  assert.equal(ok.decision?.rule, "default: allow reads");

  await using denied = await createTempProject({
    ".loom.toml": '[permissions]\ndeny = ["decision_log"]\n',
  });
  using h = await openHost(denied);
  const result = await h.call({ action: "create", type: "goal", title: "Denied" });
  assert.equal(result.code, "DENIED");
  assert.match(result.text, /deny: decision_log/);
  await assert.rejects(Deno.stat(denied.path(".loom/loom.db")), Deno.errors.NotFound);
});

Deno.test("opening a host and listing its tools does not create the project database", async () => {
  await using project = await createTempProject();
  using h = await openHost(project);
  assert.ok(h.opened.host.tools.has("decision_log"));
  assert.ok(h.opened.host.tools.has("decision_query"));
  await assert.rejects(Deno.stat(project.path(".loom/loom.db")), Deno.errors.NotFound);
  await h.call({ action: "create", type: "goal", title: "First use" });
  assert.ok((await Deno.stat(project.path(".loom/loom.db"))).isFile);
});
