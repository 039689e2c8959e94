import assert from "node:assert/strict";
import { isLoomError } from "../core/mod.ts";
import { MAX_BODY_CHARS } from "./model.ts";
import { memoryGraph, T0 } from "./_testing.ts";
import { graphSize } from "./queries.ts";

Deno.test("addNode stores every field with provenance, default status and a change id", () => {
  const g = memoryGraph();
  const { node } = g.addNode({
    type: "decision",
    title: " Which database ",
    body: "Needs two writers",
    confidence: 60,
    files: ["src/store/database.ts"],
  });
  assert.deepEqual(node, {
    id: 1,
    changeId: "00000000-0000-4000-8000-000000000001",
    type: "decision",
    title: "Which database",
    body: "Needs two writers",
    status: "pending",
    confidence: 60,
    files: ["src/store/database.ts"],
    branch: "main",
    commit: "0123456789abcdef0123456789abcdef01234567",
    sessionId: null,
    createdAt: T0,
    updatedAt: T0,
  });
  assert.equal(g.addNode({ type: "goal", title: "g" }).node.status, "active");
});

Deno.test("addNode links the new node under its parents in the same transaction", () => {
  const g = memoryGraph();
  g.addNode({ type: "decision", title: "d" });
  const { node, edges } = g.addNode({
    type: "option",
    title: "o",
    parents: [{ ref: "#1", type: "chosen", rationale: "fast" }],
  });
  assert.deepEqual(edges.map((e) => [e.from, e.to, e.type, e.rationale]), [[
    1,
    node.id,
    "chosen",
    "fast",
  ]]);
});

Deno.test("a bad parent rolls back the node as well: nothing half-written", () => {
  const g = memoryGraph();
  g.addNode({ type: "outcome", title: "done" });
  assert.throws(
    () => g.addNode({ type: "goal", title: "g", parents: [{ ref: 1, type: "chosen" }] }),
    /a chosen edge goes from/,
  );
  assert.throws(
    () => g.addNode({ type: "goal", title: "g", parents: [{ ref: 99 }] }),
    (e) => isLoomError(e, "NOT_FOUND"),
  );
  assert.deepEqual(graphSize(g), { nodes: 1, edges: 0 });
});

Deno.test("bad node input is refused and nothing is stored", () => {
  const g = memoryGraph();
  const bad = [
    () => g.addNode({ type: "idea" as never, title: "x" }),
    () => g.addNode({ type: "goal", title: "" }),
    () => g.addNode({ type: "goal", title: "x", confidence: 101 }),
    () => g.addNode({ type: "goal", title: "x", confidence: -5 }),
    () => g.addNode({ type: "goal", title: "x", body: "b".repeat(MAX_BODY_CHARS + 1) }),
    () => g.addNode({ type: "goal", title: "x", status: "done" as never }),
  ];
  for (const attempt of bad) assert.throws(attempt, (e) => isLoomError(e));
  assert.deepEqual(graphSize(g), { nodes: 0, edges: 0 });
});

Deno.test("link refuses a cycle and names the path it would close", () => {
  const g = memoryGraph();
  for (const t of ["a", "b", "c"]) g.addNode({ type: "action", title: t });
  g.link(1, 2, "leads_to");
  g.link(2, 3, "requires");
  assert.throws(
    () => g.link(3, 1, "leads_to"),
    (e) => isLoomError(e, "INVALID_INPUT") && e.message.includes("#1 → #2 → #3 → #1"),
  );
  assert.throws(() => g.link(1, 1, "leads_to"), /cannot link to itself/);
  assert.deepEqual(graphSize(g), { nodes: 3, edges: 2 });
});

Deno.test("link refuses unknown ids, duplicate edges and nonsense pairs", () => {
  const g = memoryGraph();
  g.addNode({ type: "outcome", title: "o" });
  g.addNode({ type: "goal", title: "g" });
  g.addNode({ type: "goal", title: "g2" });
  assert.throws(() => g.link(1, 42, "leads_to"), /Cannot find node "42"/);
  assert.throws(() => g.link(1, 2, "chosen"), /not from outcome to goal/);
  g.link(2, 3, "leads_to");
  assert.throws(() => g.link(2, 3, "leads_to"), /already exists/);
  assert.equal(graphSize(g).edges, 1);
});

Deno.test("a rejected edge marks its option rejected; supersede marks the old node superseded", () => {
  const g = memoryGraph();
  g.addNode({ type: "decision", title: "d" });
  g.addNode({ type: "option", title: "a" });
  g.addNode({ type: "option", title: "b" });
  g.link(1, 2, "rejected", "too slow");
  assert.equal(g.get(2).status, "rejected");
  g.supersede(2, 3, "b is faster");
  assert.equal(g.get(2).status, "superseded");
  assert.equal(g.detail(3).incoming[0].edge.type, "supersedes");
});

Deno.test("unlink removes edges and says so when there were none", () => {
  const g = memoryGraph();
  g.addNode({ type: "goal", title: "g" });
  g.addNode({ type: "decision", title: "d", parents: [{ ref: 1 }] });
  assert.equal(g.unlink(1, 2), 1);
  assert.throws(() => g.unlink(1, 2), (e) => isLoomError(e, "NOT_FOUND"));
  assert.equal(graphSize(g).edges, 0);
});

Deno.test("updateNode and setStatus change fields and the update time", () => {
  const g = memoryGraph();
  g.addNode({ type: "decision", title: "d" });
  const updated = g.updateNode(1, { confidence: 90, title: "d2", files: ["a.ts"] });
  assert.equal(updated.confidence, 90);
  assert.equal(updated.title, "d2");
  assert.ok(updated.updatedAt > updated.createdAt);
  assert.equal(g.setStatus(1, "completed").status, "completed");
  assert.throws(() => g.setStatus(1, "finished" as never), /unknown status/);
  assert.throws(() => g.updateNode(1, { confidence: 300 }), /0 to 100/);
  assert.equal(g.get(1).confidence, 90);
});

Deno.test("nodes are found by id, #id, change id and a unique change-id prefix", () => {
  const g = memoryGraph();
  g.addNode({ type: "goal", title: "g" });
  g.addNode({ type: "goal", title: "h" });
  assert.equal(g.get("#2").title, "h");
  assert.equal(g.get("00000000-0000-4000-8000-000000000002").title, "h");
  assert.throws(() => g.get("00000000-0000"), /more than one change id/);
  assert.equal(g.find("zzz"), undefined);
  assert.throws(() => g.get(7), (e) => isLoomError(e, "NOT_FOUND"));
});

Deno.test("onChange fires after each committed write and revision moves", () => {
  const g = memoryGraph();
  let calls = 0;
  const stop = g.onChange(() => calls++);
  const before = g.revision();
  g.addNode({ type: "goal", title: "g" });
  assert.throws(() => g.addNode({ type: "goal", title: "" }));
  assert.equal(calls, 1);
  assert.notEqual(g.revision(), before);
  stop();
  g.addNode({ type: "goal", title: "h" });
  assert.equal(calls, 1);
});
