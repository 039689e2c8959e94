import assert from "node:assert/strict";
import { createTempProject } from "../../tests/_lib/project.ts";
import type { TempProject } from "../../tests/_lib/project.ts";
import { openToolHost } from "./host.ts";
import { runTool } from "./run.ts";

/** A real host on a temp project holding a small story: a rejected JSON file, SQLite chosen. */
async function openStory(project: TempProject) {
  const opened = await openToolHost({ root: project.root, home: project.path("home"), env: {} });
  const log = async (args: Record<string, unknown>) => {
    const result = await runTool(opened.host, "decision_log", { action: "create", ...args });
    assert.equal(result.isError, undefined, result.text);
  };
  await log({ type: "goal", title: "Keep the graph safe with two writers" });
  await log({
    type: "decision",
    title: "How to store the graph",
    confidence: 30,
    parents: [{ id: 1 }],
  });
  await log({
    type: "option",
    title: "One JSON file",
    parents: [{ id: 2, edge: "rejected", rationale: "lost updates with two writers" }],
  });
  await log({
    type: "option",
    title: "SQLite in WAL mode",
    body: "busy_timeout handles the second writer",
    parents: [{ id: 2, edge: "chosen", rationale: "transactions" }],
  });
  await log({ type: "action", title: "Write the store", parents: [{ id: 4 }] });
  const query = async (args: Record<string, unknown>) => {
    const result = await runTool(opened.host, "decision_query", args);
    if (!result.isError) opened.host.tools.get("decision_query")!.output!.parse(result.structured);
    return result;
  };
  return { query, [Symbol.dispose]: () => opened.closeGraph() };
}

Deno.test("decision_query lists by type, status, text and recency, newest first", async () => {
  await using project = await createTempProject();
  using s = await openStory(project);
  const options = await s.query({ type: "option" });
  assert.match(options.text, /^2 nodes:\n#4 option "SQLite in WAL mode" \[pending\]/);
  assert.match(options.text, /busy_timeout handles the second writer/);
  const rejected = await s.query({ view: "list", status: ["rejected"] });
  assert.deepEqual((rejected.structured as { nodes: { id: number }[] }).nodes.map((n) => n.id), [
    3,
  ]);
  const text = await s.query({ text: "json" });
  assert.deepEqual((text.structured as { nodes: { id: number }[] }).nodes.map((n) => n.id), [3]);
  const recent = await s.query({ since_days: 1, type: ["goal", "action"], limit: 1 });
  assert.match(recent.text, /^1 node \(the first 1; raise limit for more\):\n#5 action/);
  const none = await s.query({ type: "revisit" });
  assert.match(none.text, /No nodes match/);
});

Deno.test("decision_query shows one node with its edges and rationales, and walks both ways", async () => {
  await using project = await createTempProject();
  using s = await openStory(project);
  const node = await s.query({ view: "node", id: "#2" });
  assert.match(node.text, /^#2 decision "How to store the graph" \[pending, 30%\]/);
  assert.match(
    node.text,
    /← #1 goal "Keep the graph safe with two writers" \[active\] \(leads_to\)/,
  );
  assert.match(node.text, /→ #3 option "One JSON file" \[rejected\] \(rejected\): lost updates/);
  const structured = node.structured as { outgoing: { edge: { type: string } }[] };
  assert.deepEqual(structured.outgoing.map((o) => o.edge.type), ["rejected", "chosen"]);

  const up = await s.query({ view: "ancestors", id: 5 });
  assert.match(up.text, /^3 ancestors of #5 action/);
  assert.deepEqual(
    (up.structured as { nodes: { id: number; depth: number }[] }).nodes.map((n) => [n.id, n.depth]),
    [[4, 1], [2, 2], [1, 3]],
  );
  const down = await s.query({ view: "descendants", id: 1, depth: 1 });
  assert.deepEqual((down.structured as { nodes: { id: number }[] }).nodes.map((n) => n.id), [2]);
});

Deno.test("decision_query gives the context block, the pulse and the narrative", async () => {
  await using project = await createTempProject();
  using s = await openStory(project);
  const context = await s.query({ view: "context" });
  assert.match(context.text, /<decision_context>/);
  assert.match(
    context.text,
    /#3 option "One JSON file" for #2 "How to store the graph": lost updates/,
  );
  const small = await s.query({ view: "context", budget: 60 });
  assert.ok((small.structured as { context: { tokens: number } }).context.tokens <= 60);

  const pulse = await s.query({ view: "pulse" });
  assert.match(pulse.text, /Decision graph: 5 nodes, 4 edges/);
  assert.match(pulse.text, /Actions without outcomes \(1\)/);
  const totals = (pulse.structured as { pulse: { totals: { nodes: number } } }).pulse.totals;
  assert.equal(totals.nodes, 5);

  const narrative = await s.query({ view: "narrative" });
  assert.match(narrative.text, /Keep the graph safe with two writers/);
});

Deno.test("decision_query names what is missing for unknown ids and views that need one", async () => {
  await using project = await createTempProject();
  using s = await openStory(project);
  const unknown = await s.query({ view: "node", id: 42 });
  assert.equal(unknown.code, "NOT_FOUND");
  assert.match(unknown.text, /Cannot find node "42"/);
  const missing = await s.query({ view: "ancestors" });
  assert.equal(missing.code, "INVALID_INPUT");
  assert.match(missing.text, /give the node's id/);
  const badView = await s.query({ view: "everything" });
  assert.equal(badView.code, "USAGE");
});
