import assert from "node:assert/strict";
import { assertGolden, memoryGraph, storyGraph } from "./_testing.ts";
import { buildNarrative } from "./narrative.ts";

Deno.test("the narrative of the story graph matches its golden file", async () => {
  const n = buildNarrative(storyGraph());
  await assertGolden("narrative.golden.md", n.markdown, Deno.env.get("UPDATE_GOLDEN") === "1");
});

Deno.test("a pivot runs old approach → observation → revisit → new approach, with what was superseded", () => {
  const [pivot] = buildNarrative(storyGraph()).pivots;
  assert.equal(pivot.revisit?.id, 7);
  assert.deepEqual(pivot.oldApproach.map((n) => n.id), [3]);
  assert.deepEqual(pivot.reasons.map((n) => n.id), [6]);
  assert.deepEqual(pivot.newApproach.map((n) => n.id), [8]);
  assert.deepEqual(pivot.superseded.map((s) => [s.old.id, s.by.id, s.rationale]), [
    [3, 8, "a JSON file cannot take two writers"],
  ]);
});

Deno.test("a supersedes edge without a revisit is a pivot of its own", () => {
  const g = memoryGraph();
  g.addNode({ type: "option", title: "old" });
  g.addNode({ type: "observation", title: "old is slow" });
  g.addNode({ type: "option", title: "new", parents: [{ ref: 2 }] });
  g.supersede(1, 3, "faster");
  const n = buildNarrative(g);
  assert.equal(n.pivots.length, 1);
  assert.equal(n.pivots[0].revisit, null);
  assert.deepEqual(n.pivots[0].reasons.map((r) => r.id), [2]);
  assert.match(n.markdown, /Superseded: #1 by #3: faster/);
});

Deno.test("the timeline keeps the most recent nodes and counts the earlier ones", () => {
  const n = buildNarrative(storyGraph(), { limit: 3 });
  assert.deepEqual(n.timeline.map((t) => t.node.id), [11, 12, 13]);
  assert.equal(n.earlier, 10);
  assert.match(n.markdown, /_10 earlier nodes not shown\._/);
});

Deno.test("an empty graph has a one-line narrative", () => {
  assert.match(buildNarrative(memoryGraph()).markdown, /Nothing recorded yet/);
});
