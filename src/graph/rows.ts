import type { EdgeType, GraphEdge, GraphNode, NodeStatus, NodeType } from "./types.ts";

/** The columns selected for a node, in the order `toNode` expects. */
export const NODE_COLUMNS =
  "n.id, n.change_id, n.type, n.title, n.body, n.status, n.confidence, n.files, n.branch, n.commit_sha, n.session_id, n.created_at, n.updated_at";

/** The columns selected for an edge. */
export const EDGE_COLUMNS = "e.id, e.from_id, e.to_id, e.type, e.rationale, e.created_at";

type Row = Record<string, unknown>;

/** Maps a `graph_nodes` row to a GraphNode. */
export function toNode(row: Row): GraphNode {
  return {
    id: row.id as number,
    changeId: row.change_id as string,
    type: row.type as NodeType,
    title: row.title as string,
    body: row.body as string,
    status: row.status as NodeStatus,
    confidence: row.confidence as number | null,
    files: row.files === "[]" ? [] : JSON.parse(row.files as string),
    branch: row.branch as string | null,
    commit: row.commit_sha as string | null,
    sessionId: row.session_id as string | null,
    createdAt: row.created_at as number,
    updatedAt: row.updated_at as number,
  };
}

/** Maps a `graph_edges` row to a GraphEdge. */
export function toEdge(row: Row): GraphEdge {
  return {
    id: row.id as number,
    from: row.from_id as number,
    to: row.to_id as number,
    type: row.type as EdgeType,
    rationale: row.rationale as string | null,
    createdAt: row.created_at as number,
  };
}

/** `#12 decision "Use SQLite"`: how nodes are named in messages. */
export function label(node: Pick<GraphNode, "id" | "type" | "title">): string {
  const title = node.title.length > 60 ? node.title.slice(0, 57) + "..." : node.title;
  return `#${node.id} ${node.type} "${title}"`;
}
