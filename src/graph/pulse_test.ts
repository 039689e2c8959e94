import assert from "node:assert/strict";
import { memoryGraph, storyGraph, T0 } from "./_testing.ts";
import { computePulse, hasGaps, renderPulse } from "./pulse.ts";
import { DecisionGraph } from "./store.ts";

Deno.test("the pulse counts nodes by type and status and buckets confidence", () => {
  const p = computePulse(storyGraph());
  assert.deepEqual(p.totals, { nodes: 13, edges: 12 });
  assert.deepEqual(p.byType.option, { pending: 1, rejected: 1, superseded: 1 });
  assert.deepEqual(p.confidence, { unset: 9, "0-24": 0, "25-49": 2, "50-74": 1, "75-100": 1 });
});

Deno.test("the pulse finds every kind of coverage gap, orphans and low confidence", () => {
  const p = computePulse(storyGraph());
  const ids = (l: { items: { id: number }[] }) => l.items.map((i) => i.id);
  assert.deepEqual(ids(p.gaps.goalsWithoutOptions), [12]);
  assert.deepEqual(ids(p.gaps.decisionsWithoutActions), [11]);
  assert.deepEqual(ids(p.gaps.actionsWithoutOutcomes), [10]);
  assert.deepEqual(ids(p.orphans), [13]);
  assert.deepEqual(ids(p.lowConfidence), [12, 11]);
  assert.deepEqual(p.goals.map((g) => [g.id, g.descendants]), [[12, 0], [1, 10]]);
  assert.ok(hasGaps(p));
});

Deno.test("open nodes untouched for longer than stale_days are stale; fresh edges count as activity", () => {
  const g = storyGraph();
  const later = new DecisionGraph(g.db, { clock: { now: () => T0 + 30 * 86_400_000 } });
  const p = computePulse(later, { staleDays: 14 });
  assert.deepEqual(p.stale.items.map((i) => i.id).sort((a, b) => a - b), [
    1,
    2,
    4,
    7,
    8,
    10,
    11,
    12,
  ]);
  assert.equal(computePulse(g, { staleDays: 14 }).stale.count, 0);
  later.link(11, 12, "leads_to");
  const after = computePulse(later, { staleDays: 14 }).stale.items.map((i) => i.id);
  assert.ok(!after.includes(11) && !after.includes(12), "a fresh edge is activity");
});

Deno.test("a graph with outcomes for every action and options for every goal has no gaps", () => {
  const g = memoryGraph();
  g.addNode({ type: "goal", title: "g" });
  g.addNode({ type: "decision", title: "d", parents: [{ ref: 1 }] });
  g.addNode({ type: "option", title: "o", parents: [{ ref: 2, type: "chosen" }] });
  g.addNode({ type: "action", title: "a", parents: [{ ref: 3 }] });
  g.addNode({ type: "outcome", title: "r", parents: [{ ref: 4 }] });
  const p = computePulse(g);
  assert.equal(hasGaps(p), false);
  assert.match(renderPulse(p), /No coverage gaps\./);
});

Deno.test("the pulse text names each gap with what to do", () => {
  const text = renderPulse(computePulse(storyGraph()));
  assert.match(text, /Goals without options \(1\): add the options considered\n {2}#12 goal/);
  assert.match(text, /Actions without outcomes \(1\): record what happened/);
  assert.match(text, /Orphans \(1\)/);
});
