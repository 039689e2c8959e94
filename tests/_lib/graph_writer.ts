/**
 * A second process for the decision-graph tests (a script, not a test):
 *   deno run -A graph_writer.ts add DB N NAME   prints "ready", waits for a line on stdin, then
 *                                               adds N nodes one transaction each, prints "done"
 *   deno run -A graph_writer.ts import DB N     imports N nodes; at the first progress report,
 *                                               inside the transaction, prints "progress" and blocks
 *                                               on stdin forever (for the kill -9 test)
 */
import { openDatabase } from "../../src/store/mod.ts";
import { DecisionGraph, GRAPH_MIGRATIONS, importGraph } from "../../src/graph/mod.ts";

const [mode, path, count, name = "w"] = Deno.args;
const n = Number(count);
const db = openDatabase(path, { migrations: [GRAPH_MIGRATIONS] });
const graph = new DecisionGraph(db);
const write = (text: string) => Deno.stdout.writeSync(new TextEncoder().encode(text));

if (mode === "add") {
  write("ready\n");
  Deno.stdin.readSync(new Uint8Array(16));
  let previous: number | undefined;
  for (let i = 0; i < n; i++) {
    const { node } = graph.addNode({
      type: "action",
      title: `${name} step ${i}`,
      parents: previous === undefined ? [] : [{ ref: previous }],
    });
    previous = node.id;
  }
  write("done\n");
} else if (mode === "import") {
  const nodes = Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    change_id: `import-${i}`,
    type: "observation",
    title: `imported ${i}`,
    created_at: 0,
  }));
  importGraph(graph, { format: "loom-decision-graph", version: 1, nodes, edges: [] }, {
    progressEvery: 500,
    onProgress: () => {
      write("progress\n");
      // Block inside the open transaction until the test kills this process.
      Deno.stdin.readSync(new Uint8Array(16));
    },
  });
  write("committed\n");
}
db.close();
