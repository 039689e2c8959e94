/** The kinds of node in the decision graph. */
export const NODE_TYPES = [
  "goal",
  "decision",
  "option",
  "action",
  "outcome",
  "observation",
  "revisit",
] as const;
export type NodeType = typeof NODE_TYPES[number];

/** Where a node stands. */
export const NODE_STATUSES = [
  "pending",
  "active",
  "completed",
  "rejected",
  "superseded",
  "abandoned",
] as const;
export type NodeStatus = typeof NODE_STATUSES[number];

/**
 * Kinds of edge. Every edge points forward in the reasoning, from the earlier node to the later
 * one, so the graph stays acyclic: `decision -chosen-> option`, `goal -leads_to-> decision`,
 * and `old -supersedes-> new` (read "new supersedes old").
 */
export const EDGE_TYPES = [
  "leads_to",
  "chosen",
  "rejected",
  "requires",
  "blocks",
  "enables",
  "supersedes",
] as const;
export type EdgeType = typeof EDGE_TYPES[number];

/** One node as stored. Times are epoch milliseconds. */
export interface GraphNode {
  id: number;
  changeId: string;
  type: NodeType;
  title: string;
  body: string;
  status: NodeStatus;
  confidence: number | null;
  files: string[];
  branch: string | null;
  commit: string | null;
  sessionId: string | null;
  createdAt: number;
  updatedAt: number;
}

/** One edge as stored. */
export interface GraphEdge {
  id: number;
  from: number;
  to: number;
  type: EdgeType;
  rationale: string | null;
  createdAt: number;
}

/** A parent to link a new node under, in the same transaction. */
export interface ParentLink {
  /** Node id (`12`, `#12`) or change id (or a unique prefix of one). */
  ref: string | number;
  /** Edge type from the parent to the new node (default: chosen for option under decision, else leads_to). */
  type?: EdgeType;
  rationale?: string;
}

/** What a caller gives to create a node. */
export interface NewNode {
  type: NodeType;
  title: string;
  body?: string;
  status?: NodeStatus;
  confidence?: number | null;
  files?: string[];
  /** Filled in from the graph's provenance when omitted. */
  branch?: string | null;
  commit?: string | null;
  sessionId?: string | null;
  parents?: ParentLink[];
}

/** Fields an update may change. */
export interface NodePatch {
  title?: string;
  body?: string;
  status?: NodeStatus;
  confidence?: number | null;
  files?: string[];
}

/** Git branch, commit and session stamped on new nodes when known. */
export interface Provenance {
  branch?: string | null;
  commit?: string | null;
  sessionId?: string | null;
}

/** A node with its edges in both directions. */
export interface NodeDetail {
  node: GraphNode;
  incoming: { edge: GraphEdge; node: GraphNode }[];
  outgoing: { edge: GraphEdge; node: GraphNode }[];
}

/** Filters for listing nodes; all optional, combined with AND. */
export interface NodeFilter {
  type?: NodeType | NodeType[];
  status?: NodeStatus | NodeStatus[];
  /** Full-text search over titles and bodies (FTS5 syntax; plain words are ANDed). */
  search?: string;
  /** Only nodes updated at or after this time (epoch ms). */
  since?: number;
  limit?: number;
}
