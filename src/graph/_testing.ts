import { openDatabase } from "../store/mod.ts";
import { GRAPH_MIGRATIONS } from "./schema.ts";
import { DecisionGraph } from "./store.ts";

/** 2025-03-01T09:00:00Z: where the test clock starts. */
export const T0 = Date.UTC(2025, 2, 1, 9, 0, 0);

/** A graph on an in-memory database with a clock that ticks one minute per reading. */
export function memoryGraph(start = T0): DecisionGraph {
  let now = start - 60_000;
  let ids = 0;
  const db = openDatabase(":memory:", { migrations: [GRAPH_MIGRATIONS] });
  return new DecisionGraph(db, {
    clock: { now: () => (now += 60_000) },
    newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, "0")}`,
    provenance: { branch: "main", commit: "0123456789abcdef0123456789abcdef01234567" },
  });
}

/** A hand-built story: a JSON-file approach that failed, a revisit, and SQLite chosen instead. */
export function storyGraph(start = T0): DecisionGraph {
  const g = memoryGraph(start);
  g.addNode({ type: "goal", title: "Make the graph survive two writers", confidence: 70 });
  g.addNode({ type: "decision", title: "How to store the graph", parents: [{ ref: 1 }] });
  g.addNode({ type: "option", title: "One JSON file per project", parents: [{ ref: 2 }] });
  g.addNode({ type: "action", title: "Write graph.json atomically", parents: [{ ref: 3 }] });
  g.addNode({
    type: "outcome",
    title: "Lost updates when the MCP server and the REPL both wrote",
    body: "Two nodes vanished in a day of use.\nSecond line is not shown.",
    parents: [{ ref: 4 }],
  });
  g.addNode({
    type: "observation",
    title: "Each process rewrites the whole file",
    parents: [{ ref: 5 }],
  });
  g.addNode({
    type: "revisit",
    title: "Reconsider storage: we need concurrent writers",
    parents: [{ ref: 6 }],
  });
  g.addNode({ type: "option", title: "SQLite in WAL mode", confidence: 85, parents: [{ ref: 7 }] });
  g.link(2, 8, "chosen", "WAL lets readers and one writer work at once");
  g.supersede(3, 8, "a JSON file cannot take two writers");
  g.addNode({
    type: "option",
    title: "Postgres",
    parents: [{ ref: 2, type: "rejected", rationale: "needs a server process" }],
  });
  g.addNode({
    type: "action",
    title: "Open with busy_timeout and BEGIN IMMEDIATE",
    parents: [{ ref: 8 }],
  });
  g.addNode({
    type: "decision",
    title: "Cache the decision context in memory?",
    confidence: 30,
    parents: [{ ref: 1 }],
  });
  g.addNode({ type: "goal", title: "Publish the pulse in CI", confidence: 40 });
  g.addNode({ type: "observation", title: "FTS5 answers a search over 100k titles in 1 ms" });
  return g;
}

/** Compares `actual` with a golden file beside the tests; UPDATE_GOLDEN=1 rewrites it. */
export async function assertGolden(name: string, actual: string, update: boolean): Promise<void> {
  const url = new URL(`./testdata/${name}`, import.meta.url);
  if (update) await Deno.writeTextFile(url, actual);
  const expected = await Deno.readTextFile(url);
  if (expected !== actual) {
    throw new Error(
      `${name} differs from its golden file (UPDATE_GOLDEN=1 refreshes it):\n--- expected\n${expected}\n--- actual\n${actual}`,
    );
  }
}
