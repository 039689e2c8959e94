import { z } from "zod";
import { LoomError } from "../core/mod.ts";
import type { DecisionGraph, GraphEdge, GraphNode } from "../graph/mod.ts";
// types.ts holds only constants: importing it does not load SQLite (graph/mod.ts would).
import { EDGE_TYPES, NODE_STATUSES, NODE_TYPES } from "../graph/types.ts";
import { exportNode } from "../graph/export.ts";

/** Opens the project's decision graph on first use (the host keeps one open graph). */
export type OpenGraph = () => Promise<DecisionGraph>;

/** What the decision tools are built from. */
export interface DecisionToolOptions {
  /** Absent in hosts without a project database: the tools then fail with UNAVAILABLE. */
  openGraph?: OpenGraph;
}

/** A node reference as the model sends it: `12`, `"#12"` or a change id (prefix). */
export const nodeRef = z.union([z.number().int().min(1), z.string().min(1)]);

/** A node in structured results (times as ISO 8601). */
export const nodeOutput = z.object({
  id: z.number().int(),
  change_id: z.string(),
  type: z.enum(NODE_TYPES),
  title: z.string(),
  body: z.string(),
  status: z.enum(NODE_STATUSES),
  confidence: z.number().int().nullable(),
  files: z.array(z.string()),
  branch: z.string().nullable(),
  commit: z.string().nullable(),
  session_id: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

/** An edge in structured results. */
export const edgeOutput = z.object({
  id: z.number().int(),
  from: z.number().int(),
  to: z.number().int(),
  type: z.enum(EDGE_TYPES),
  rationale: z.string().nullable(),
  created_at: z.string(),
});

/** A node as structured content: the same shape Loom's JSON export writes. */
export function nodeJson(n: GraphNode): z.infer<typeof nodeOutput> {
  return exportNode(n);
}

/** An edge as structured content. */
export function edgeJson(e: GraphEdge): z.infer<typeof edgeOutput> {
  return {
    id: e.id,
    from: e.from,
    to: e.to,
    type: e.type,
    rationale: e.rationale,
    created_at: new Date(e.createdAt).toISOString(),
  };
}

/** `#12 decision "Use SQLite" [pending, 70%]`. */
export function nodeLine(n: GraphNode): string {
  const facts = [n.status, ...(n.confidence === null ? [] : [`${n.confidence}%`])];
  return `#${n.id} ${n.type} "${n.title}" [${facts.join(", ")}]`;
}

/** `#3 → #12 (chosen): because it is faster`. */
export function edgeLine(e: GraphEdge): string {
  return `#${e.from} → #${e.to} (${e.type})${e.rationale ? `: ${e.rationale}` : ""}`;
}

/** The graph from the host's accessor; a host without one, or a database that will not open, is UNAVAILABLE. */
export async function graphOf(options: DecisionToolOptions, tool: string): Promise<DecisionGraph> {
  if (!options.openGraph) {
    throw new LoomError(
      "UNAVAILABLE",
      `Cannot run "${tool}": this host has no decision graph; run Loom on a project directory`,
    );
  }
  return await options.openGraph();
}
