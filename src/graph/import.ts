import { LoomError } from "../core/mod.ts";
import type { ProgressUpdate } from "../core/mod.ts";
import { transaction } from "../store/mod.ts";
import { parseImport } from "./_parse_import.ts";
import type { ImportEdge, ImportNode } from "./_parse_import.ts";
import type { DecisionGraph } from "./store.ts";

/** What an import did. */
export interface ImportResult {
  format: "loom" | "deciduous";
  nodesAdded: number;
  edgesAdded: number;
  /** Nodes whose change id was already in the graph (left as they were). */
  nodesSkipped: number;
  edgesSkipped: number;
  /** Deciduous edges whose type made no sense for their ends, imported as leads_to. */
  edgesCoerced: number;
}

/** Options for `importGraph`. */
export interface ImportOptions {
  /** Names the file in error messages. */
  source?: string;
  signal?: AbortSignal;
  /** Called every `progressEvery` rows (default 1000), inside the transaction. */
  onProgress?: (update: ProgressUpdate) => void;
  progressEvery?: number;
}

/**
 * Imports Loom's JSON export (ids kept when the graph is empty, so it round-trips exactly) or
 * Deciduous's. Everything is validated first, cycles included, then written in one transaction:
 * a bad file or a crash leaves the graph as it was. Nodes already present (same change id) stay.
 */
export function importGraph(
  graph: DecisionGraph,
  data: unknown,
  options: ImportOptions = {},
): ImportResult {
  const source = options.source ?? "the import";
  const parsed = parseImport(data, source);
  const every = options.progressEvery ?? 1000;
  const total = parsed.nodes.length + parsed.edges.length;
  const result = transaction(graph.db, () => {
    const empty = !graph.sql("SELECT 1 FROM graph_nodes LIMIT 1").get();
    const ids = new Map<string, number>();
    const existing = graph.sql("SELECT id FROM graph_nodes WHERE change_id = ?");
    let done = 0;
    const tick = () => {
      done++;
      if (done % every === 0) {
        if (options.signal?.aborted) {
          throw new LoomError(
            "CANCELLED",
            `Cannot import "${source}": cancelled; nothing was imported`,
          );
        }
        options.onProgress?.({ progress: done, total, message: "importing the decision graph" });
      }
    };
    let nodesAdded = 0;
    const insert = graph.sql(
      `INSERT INTO graph_nodes (id, change_id, type, title, body, status, confidence, files, branch,
         commit_sha, session_id, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const n of parsed.nodes) {
      const found = empty ? undefined : existing.get(n.changeId) as { id: number } | undefined;
      if (found) ids.set(n.changeId, found.id);
      else {
        ids.set(n.changeId, insertNode(insert, n, empty));
        nodesAdded++;
      }
      tick();
    }
    checkAcyclic(graph, parsed.edges, ids, empty, source);
    let edgesAdded = 0;
    const link = graph.sql(
      `INSERT OR IGNORE INTO graph_edges (id, from_id, to_id, type, rationale, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    for (const e of parsed.edges) {
      const id = empty ? e.id : null;
      edgesAdded += link.run(id, ids.get(e.from)!, ids.get(e.to)!, e.type, e.rationale, e.createdAt)
        .changes as number;
      tick();
    }
    return { nodesAdded, edgesAdded };
  });
  return {
    format: parsed.format,
    nodesAdded: result.nodesAdded,
    edgesAdded: result.edgesAdded,
    nodesSkipped: parsed.nodes.length - result.nodesAdded,
    edgesSkipped: parsed.edges.length - result.edgesAdded,
    edgesCoerced: parsed.coerced,
  };
}

function insertNode(
  insert: ReturnType<DecisionGraph["sql"]>,
  n: ImportNode,
  keepId: boolean,
): number {
  const result = insert.run(
    keepId ? n.id : null,
    n.changeId,
    n.type,
    n.title,
    n.body,
    n.status,
    n.confidence,
    n.files.length === 0 ? "[]" : JSON.stringify(n.files),
    n.branch,
    n.commit,
    n.sessionId,
    n.createdAt,
    n.updatedAt,
  );
  return Number(result.lastInsertRowid);
}

/** Kahn's algorithm over the file's edges (plus the graph's own when merging). */
function checkAcyclic(
  graph: DecisionGraph,
  edges: ImportEdge[],
  ids: Map<string, number>,
  empty: boolean,
  source: string,
): void {
  const out = new Map<number, number[]>();
  const indegree = new Map<number, number>();
  const add = (from: number, to: number) => {
    const list = out.get(from);
    if (list) list.push(to);
    else out.set(from, [to]);
    indegree.set(to, (indegree.get(to) ?? 0) + 1);
    if (!indegree.has(from)) indegree.set(from, 0);
  };
  for (const e of edges) add(ids.get(e.from)!, ids.get(e.to)!);
  if (!empty) {
    for (const row of graph.sql("SELECT from_id, to_id FROM graph_edges").iterate()) {
      add(row.from_id as number, row.to_id as number);
    }
  }
  const queue = [...indegree].filter(([, d]) => d === 0).map(([id]) => id);
  let seen = 0;
  while (queue.length > 0) {
    const id = queue.pop()!;
    seen++;
    for (const to of out.get(id) ?? []) {
      const d = indegree.get(to)! - 1;
      indegree.set(to, d);
      if (d === 0) queue.push(to);
    }
  }
  if (seen < indegree.size) {
    const stuck = [...indegree].filter(([, d]) => d > 0).map(([id]) => `#${id}`).slice(0, 8);
    throw new LoomError(
      "INVALID_INPUT",
      `Cannot import "${source}": its edges form a cycle through ${
        stuck.join(", ")
      }; the graph must stay acyclic`,
    );
  }
}
