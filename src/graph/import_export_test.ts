import assert from "node:assert/strict";
import { isLoomError } from "../core/mod.ts";
import { memoryGraph, storyGraph } from "./_testing.ts";
import { exportGraph, toDot, toMermaid } from "./export.ts";
import { importGraph } from "./import.ts";
import { graphSize } from "./queries.ts";

Deno.test("Loom's JSON export round-trips exactly through an empty graph", () => {
  const source = storyGraph();
  source.unlink(5, 6); // a gap in edge ids must survive too
  const text = JSON.stringify(exportGraph(source), null, 2);
  const target = memoryGraph();
  const result = importGraph(target, JSON.parse(text));
  assert.equal(result.format, "loom");
  assert.equal(result.nodesAdded, 13);
  assert.equal(JSON.stringify(exportGraph(target), null, 2), text);
});

Deno.test("importing the same file twice adds nothing the second time", () => {
  const data = exportGraph(storyGraph());
  const target = memoryGraph();
  importGraph(target, data);
  const again = importGraph(target, data);
  assert.deepEqual([again.nodesAdded, again.edgesAdded, again.nodesSkipped], [0, 0, 13]);
  assert.deepEqual(graphSize(target), { nodes: 13, edges: 12 });
});

const DECIDUOUS = {
  nodes: [
    {
      id: 10,
      change_id: "d-1",
      node_type: "goal",
      title: "Add auth",
      description: null,
      status: "active",
      created_at: "2025-01-05 10:00:00.123456",
      updated_at: "2025-01-05 10:00:00",
      metadata_json: '{"confidence":90,"branch":"main","commit":"abc","files":["auth.rs"]}',
    },
    {
      id: 11,
      change_id: "d-2",
      node_type: "decision",
      title: "Session or JWT",
      description: "pick one",
      status: "pending",
      created_at: "2025-01-05T10:05:00Z",
      updated_at: "2025-01-05T10:05:00Z",
      metadata_json: null,
    },
    {
      id: 12,
      change_id: "d-3",
      node_type: "option",
      title: "JWT",
      description: null,
      status: "weird",
      created_at: "2025-01-05T10:06:00Z",
      updated_at: "2025-01-05T10:06:00Z",
      metadata_json: "{}",
    },
    {
      id: 13,
      change_id: "d-4",
      node_type: "outcome",
      title: "Done",
      description: null,
      status: "completed",
      created_at: "2025-01-05T10:07:00Z",
      updated_at: "2025-01-05T10:07:00Z",
      metadata_json: null,
    },
  ],
  edges: [
    {
      id: 1,
      from_node_id: 10,
      to_node_id: 11,
      from_change_id: "d-1",
      to_change_id: "d-2",
      edge_type: "leads_to",
      weight: 1,
      rationale: null,
      created_at: "2025-01-05T10:05:00Z",
    },
    {
      id: 2,
      from_node_id: 11,
      to_node_id: 12,
      from_change_id: "d-2",
      to_change_id: "d-3",
      edge_type: "chosen",
      weight: 1,
      rationale: "stateless",
      created_at: "2025-01-05T10:06:00Z",
    },
    {
      id: 3,
      from_node_id: 13,
      to_node_id: 12,
      edge_type: "chosen",
      weight: 1,
      rationale: null,
      created_at: "2025-01-05T10:08:00Z",
    },
  ],
  config: { github: { commit_repo: "me/app" } },
};

Deno.test("a Deciduous export is accepted: metadata, SQLite timestamps, odd statuses and odd edges", () => {
  const g = memoryGraph();
  const r = importGraph(g, DECIDUOUS);
  assert.deepEqual([r.format, r.nodesAdded, r.edgesAdded, r.edgesCoerced], ["deciduous", 4, 3, 1]);
  const goal = g.get(1);
  assert.equal(goal.confidence, 90);
  assert.deepEqual([goal.branch, goal.commit, goal.files], ["main", "abc", ["auth.rs"]]);
  assert.equal(goal.createdAt, Date.UTC(2025, 0, 5, 10, 0, 0, 123));
  assert.equal(g.get(3).status, "pending");
  assert.equal(g.detail(2).outgoing[0].edge.rationale, "stateless");
  assert.equal(g.detail(4).outgoing[0].edge.type, "leads_to");
});

const BAD_FILES: [string, unknown, RegExp][] = [
  ["not an export", { hello: 1 }, /no "nodes" array/],
  ["a wrong version", { format: "loom-decision-graph", version: 9, nodes: [] }, /version/],
  ["an unknown node type", {
    format: "loom-decision-graph",
    version: 1,
    nodes: [{ id: 1, change_id: "a", type: "idea", title: "x", created_at: 0 }],
  }, /nodes\[0\]\.type: .*unknown type/],
  ["an empty title", {
    format: "loom-decision-graph",
    version: 1,
    nodes: [{ id: 1, change_id: "a", type: "goal", title: " ", created_at: 0 }],
  }, /nodes\[0\]\.title/],
  ["a confidence of 150", {
    format: "loom-decision-graph",
    version: 1,
    nodes: [{ id: 1, change_id: "a", type: "goal", title: "x", confidence: 150, created_at: 0 }],
  }, /nodes\[0\]\.confidence/],
  ["a huge body", {
    format: "loom-decision-graph",
    version: 1,
    nodes: [{
      id: 1,
      change_id: "a",
      type: "goal",
      title: "x",
      body: "b".repeat(30_000),
      created_at: 0,
    }],
  }, /nodes\[0\]\.body: .*30000 characters/],
  ["a bad date", {
    format: "loom-decision-graph",
    version: 1,
    nodes: [{ id: 1, change_id: "a", type: "goal", title: "x", created_at: "yesterday" }],
  }, /created_at/],
  ["an edge to a missing node", {
    format: "loom-decision-graph",
    version: 1,
    nodes: [{ id: 1, change_id: "a", type: "goal", title: "x", created_at: 0 }],
    edges: [{ from: 1, to: 7, type: "leads_to" }],
  }, /edges\[0\]\.to: 7 is not a node/],
  ["an edge that makes no sense", {
    format: "loom-decision-graph",
    version: 1,
    nodes: [{ id: 1, change_id: "a", type: "outcome", title: "x", created_at: 0 }, {
      id: 2,
      change_id: "b",
      type: "goal",
      title: "y",
      created_at: 0,
    }],
    edges: [{ from: 1, to: 2, type: "chosen" }],
  }, /edges\[0\]\.type: a chosen edge goes from/],
];

for (const [what, data, pattern] of BAD_FILES) {
  Deno.test(`an import file with ${what} is refused and nothing is imported`, () => {
    const g = memoryGraph();
    g.addNode({ type: "goal", title: "existing" });
    assert.throws(
      () => importGraph(g, data, { source: "bad.json" }),
      (e) =>
        isLoomError(e) && e.message.startsWith('Cannot import "bad.json"') &&
        pattern.test(e.message),
    );
    assert.deepEqual(graphSize(g), { nodes: 1, edges: 0 });
  });
}

Deno.test("an import whose edges close a cycle is refused after nodes were written, and rolled back", () => {
  const g = memoryGraph();
  const node = (id: number) => ({
    id,
    change_id: `c${id}`,
    type: "action",
    title: `a${id}`,
    created_at: 0,
  });
  const data = {
    format: "loom-decision-graph",
    version: 1,
    nodes: [node(1), node(2), node(3)],
    edges: [{ from: 1, to: 2, type: "leads_to" }, { from: 2, to: 3, type: "leads_to" }, {
      from: 3,
      to: 1,
      type: "requires",
    }],
  };
  assert.throws(() => importGraph(g, data), /form a cycle/);
  assert.deepEqual(graphSize(g), { nodes: 0, edges: 0 });
});

Deno.test("an import merged into a graph may not close a cycle with the edges already there", () => {
  const g = memoryGraph();
  g.addNode({ type: "action", title: "a" });
  g.addNode({ type: "action", title: "b", parents: [{ ref: 1 }] });
  const data = exportGraph(g);
  data.edges = [{
    ...data.edges[0],
    id: 5,
    from: 2,
    to: 1,
    from_change_id: data.nodes[1].change_id,
    to_change_id: data.nodes[0].change_id,
  }];
  assert.throws(() => importGraph(g, data), /form a cycle/);
  assert.equal(graphSize(g).edges, 1);
});

Deno.test("an aborted import reports CANCELLED and leaves the graph as it was", () => {
  const g = memoryGraph();
  const controller = new AbortController();
  controller.abort();
  assert.throws(
    () =>
      importGraph(g, exportGraph(storyGraph()), { signal: controller.signal, progressEvery: 2 }),
    (e) => isLoomError(e, "CANCELLED"),
  );
  assert.deepEqual(graphSize(g), { nodes: 0, edges: 0 });
});

Deno.test("dot and mermaid exports name every node and edge and escape quotes", () => {
  const g = storyGraph();
  g.addNode({ type: "observation", title: 'Say "cheese" \\ now' });
  const dot = toDot(g);
  assert.match(dot, /^digraph decisions \{/);
  assert.match(dot, /n2 -> n8 \[label="chosen", penwidth=2\];/);
  assert.match(dot, /label="observation #14\\nSay \\"cheese\\" \\\\ now"/);
  const mermaid = toMermaid(g);
  assert.match(mermaid, /^flowchart TD\n/);
  assert.match(mermaid, /n2 ==>\|chosen\| n8/);
  assert.match(mermaid, /n2 -\.->\|rejected\| n9/);
  assert.match(mermaid, /Say #quot;cheese#quot;/);
  assert.equal(mermaid.match(/-->|==>|-\.->/g)?.length, 12);
});
