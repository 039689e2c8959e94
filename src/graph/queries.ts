import { LoomError } from "../core/mod.ts";
import { parseNodeType, parseStatus } from "./model.ts";
import { EDGE_COLUMNS, NODE_COLUMNS, toEdge, toNode } from "./rows.ts";
import type { DecisionGraph } from "./store.ts";
import type { GraphEdge, GraphNode, NodeFilter } from "./types.ts";

/** Nodes matching a filter, most recently updated first (best match first when searching). */
export function listNodes(graph: DecisionGraph, filter: NodeFilter = {}): GraphNode[] {
  const where: string[] = [];
  const params: (string | number)[] = [];
  const inList = (column: string, values: string[]) => {
    where.push(`${column} IN (${values.map(() => "?").join(", ")})`);
    params.push(...values);
  };
  if (filter.type !== undefined) {
    inList("n.type", [filter.type].flat().map(parseNodeType));
  }
  if (filter.status !== undefined) {
    inList("n.status", [filter.status].flat().map(parseStatus));
  }
  if (filter.since !== undefined) {
    where.push("n.updated_at >= ?");
    params.push(filter.since);
  }
  const limit = Math.max(1, Math.min(filter.limit ?? 50, 10_000));
  const search = filter.search?.trim();
  let sql: string;
  if (search) {
    params.unshift(toFtsQuery(search));
    sql = `SELECT ${NODE_COLUMNS} FROM graph_fts f JOIN graph_nodes n ON n.id = f.rowid
      WHERE graph_fts MATCH ?${where.length ? " AND " + where.join(" AND ") : ""}
      ORDER BY bm25(graph_fts, 2.0, 1.0), n.updated_at DESC LIMIT ${limit}`;
  } else {
    sql = `SELECT ${NODE_COLUMNS} FROM graph_nodes n
      ${where.length ? "WHERE " + where.join(" AND ") : ""}
      ORDER BY n.updated_at DESC, n.id DESC LIMIT ${limit}`;
  }
  try {
    return graph.sql(sql).all(...params).map(toNode);
  } catch (err) {
    if (search && (err as { code?: string }).code === "ERR_SQLITE_ERROR") {
      throw new LoomError(
        "INVALID_INPUT",
        `Cannot search for "${search}": it is not a valid full-text query; use plain words`,
        { cause: err },
      );
    }
    throw err;
  }
}

/**
 * Turns plain words into an FTS5 query (each word a quoted prefix term, ANDed). Text that already
 * uses FTS5 operators (quotes, AND/OR/NOT, NEAR, column filters) passes through unchanged.
 */
export function toFtsQuery(text: string): string {
  if (/["()*:^]|\b(AND|OR|NOT|NEAR)\b/.test(text)) return text;
  const words = text.split(/\s+/).filter((w) => w.length > 0);
  return words.map((w) => `"${w.replaceAll('"', '""')}"*`).join(" ");
}

/** Nodes reachable by following edges backwards from `ref` (its causes), nearest first. */
export function ancestors(
  graph: DecisionGraph,
  ref: string | number,
  options: { depth?: number } = {},
): { node: GraphNode; depth: number }[] {
  return walk(graph, ref, "up", options.depth ?? 50);
}

/** Nodes reachable by following edges forwards from `ref` (its consequences), nearest first. */
export function descendants(
  graph: DecisionGraph,
  ref: string | number,
  options: { depth?: number } = {},
): { node: GraphNode; depth: number }[] {
  return walk(graph, ref, "down", options.depth ?? 50);
}

function walk(
  graph: DecisionGraph,
  ref: string | number,
  direction: "up" | "down",
  maxDepth: number,
): { node: GraphNode; depth: number }[] {
  const start = graph.get(ref);
  const [near, far] = direction === "down" ? ["from_id", "to_id"] : ["to_id", "from_id"];
  const rows = graph.sql(
    `WITH RECURSIVE walk(id, depth) AS (
       SELECT ?1, 0
       UNION
       SELECT e.${far}, w.depth + 1 FROM graph_edges e JOIN walk w ON e.${near} = w.id
       WHERE w.depth < ?2
     ),
     best(id, depth) AS (SELECT id, min(depth) FROM walk WHERE id <> ?1 GROUP BY id)
     SELECT ${NODE_COLUMNS}, b.depth AS walk_depth FROM best b JOIN graph_nodes n ON n.id = b.id
     ORDER BY b.depth, n.id`,
  ).all(start.id, maxDepth);
  return rows.map((row) => ({ node: toNode(row), depth: row.walk_depth as number }));
}

/** Every node, oldest first. */
export function allNodes(graph: DecisionGraph): GraphNode[] {
  return graph.sql(`SELECT ${NODE_COLUMNS} FROM graph_nodes n ORDER BY n.id`).all().map(toNode);
}

/** Every edge, in creation order. */
export function allEdges(graph: DecisionGraph): GraphEdge[] {
  return graph.sql(`SELECT ${EDGE_COLUMNS} FROM graph_edges e ORDER BY e.id`).all().map(toEdge);
}

/** Edges touching any of `ids` (both directions). */
export function edgesAmong(graph: DecisionGraph, ids: number[]): GraphEdge[] {
  if (ids.length === 0) return [];
  const json = JSON.stringify(ids);
  return graph.sql(
    `SELECT ${EDGE_COLUMNS} FROM graph_edges e
     WHERE e.from_id IN (SELECT value FROM json_each(?1)) AND e.to_id IN (SELECT value FROM json_each(?1))
     ORDER BY e.id`,
  ).all(json).map(toEdge);
}

/** How many nodes and edges the graph holds. */
export function graphSize(graph: DecisionGraph): { nodes: number; edges: number } {
  const row = graph.sql(
    "SELECT (SELECT count(*) FROM graph_nodes) AS nodes, (SELECT count(*) FROM graph_edges) AS edges",
  ).get() as { nodes: number; edges: number };
  return { nodes: row.nodes, edges: row.edges };
}
