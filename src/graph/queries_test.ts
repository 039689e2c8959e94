import assert from "node:assert/strict";
import { isLoomError } from "../core/mod.ts";
import { storyGraph, T0 } from "./_testing.ts";
import { ancestors, descendants, listNodes, toFtsQuery } from "./queries.ts";

Deno.test("listNodes filters by type and status, most recently updated first", () => {
  const g = storyGraph();
  assert.deepEqual(listNodes(g, { type: "option" }).map((n) => n.id), [9, 3, 8]);
  assert.deepEqual(listNodes(g, { type: "goal", status: "active" }).map((n) => n.id), [12, 1]);
  assert.deepEqual(listNodes(g, { status: ["rejected", "superseded"] }).map((n) => n.id), [9, 3]);
  assert.equal(listNodes(g, { limit: 2 }).length, 2);
  assert.deepEqual(listNodes(g, { since: T0 + 13 * 60_000 }).map((n) => n.id), [13, 12]);
});

Deno.test("full-text search matches titles and bodies, by word prefix, best match first", () => {
  const g = storyGraph();
  assert.deepEqual(listNodes(g, { search: "sqlite" }).map((n) => n.id), [8]);
  assert.deepEqual(listNodes(g, { search: "vanish" }).map((n) => n.id), [5]);
  assert.deepEqual(listNodes(g, { search: "writ" }).map((n) => n.id).sort((a, b) => a - b), [
    1,
    4,
    7,
  ]);
  assert.deepEqual(listNodes(g, { search: "writers", type: "revisit" }).map((n) => n.id), [7]);
  assert.deepEqual(listNodes(g, { search: "nothing-like-this" }), []);
});

Deno.test("a malformed full-text query is an INVALID_INPUT error, not a crash", () => {
  const g = storyGraph();
  assert.throws(
    () => listNodes(g, { search: 'title:"unclosed' }),
    (e) => isLoomError(e, "INVALID_INPUT"),
  );
});

Deno.test("toFtsQuery quotes plain words as prefixes and passes FTS5 syntax through", () => {
  assert.equal(toFtsQuery("wal mode"), '"wal"* "mode"*');
  assert.equal(toFtsQuery("wal OR json"), "wal OR json");
});

Deno.test("ancestors and descendants follow edges by a recursive query, nearest first", () => {
  const g = storyGraph();
  assert.deepEqual(
    ancestors(g, 8).map((a) => [a.node.id, a.depth]),
    [[2, 1], [3, 1], [7, 1], [1, 2], [6, 2], [5, 3], [4, 4]],
  );
  assert.deepEqual(descendants(g, 6).map((d) => [d.node.id, d.depth]), [[7, 1], [8, 2], [10, 3]]);
  assert.deepEqual(descendants(g, 1, { depth: 1 }).map((d) => d.node.id), [2, 11]);
  assert.throws(() => descendants(g, 99), (e) => isLoomError(e, "NOT_FOUND"));
});
