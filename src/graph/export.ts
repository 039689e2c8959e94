import { allEdges, allNodes } from "./queries.ts";
import type { DecisionGraph } from "./store.ts";
import type { EdgeType, GraphEdge, GraphNode, NodeStatus, NodeType } from "./types.ts";

/** The `format` marker of Loom's own export. */
export const LOOM_FORMAT = "loom-decision-graph";

/** A node in Loom's JSON export (times as ISO 8601 strings). */
export interface ExportedNode {
  id: number;
  change_id: string;
  type: NodeType;
  title: string;
  body: string;
  status: NodeStatus;
  confidence: number | null;
  files: string[];
  branch: string | null;
  commit: string | null;
  session_id: string | null;
  created_at: string;
  updated_at: string;
}

/** An edge in Loom's JSON export; `from`/`to` are node ids within the file. */
export interface ExportedEdge {
  id: number;
  from: number;
  to: number;
  from_change_id: string;
  to_change_id: string;
  type: EdgeType;
  rationale: string | null;
  created_at: string;
}

/** Loom's JSON export: importing it into an empty graph and exporting again gives the same text. */
export interface GraphExport {
  format: typeof LOOM_FORMAT;
  version: 1;
  nodes: ExportedNode[];
  edges: ExportedEdge[];
}

/** The whole graph in Loom's JSON format. */
export function exportGraph(graph: DecisionGraph): GraphExport {
  const nodes = allNodes(graph);
  const changeIds = new Map(nodes.map((n) => [n.id, n.changeId]));
  return {
    format: LOOM_FORMAT,
    version: 1,
    nodes: nodes.map(exportNode),
    edges: allEdges(graph).map((e) => exportEdge(e, changeIds)),
  };
}

/** A node as Loom's JSON export writes it (also the tools' structured form). */
export function exportNode(n: GraphNode): ExportedNode {
  return {
    id: n.id,
    change_id: n.changeId,
    type: n.type,
    title: n.title,
    body: n.body,
    status: n.status,
    confidence: n.confidence,
    files: n.files,
    branch: n.branch,
    commit: n.commit,
    session_id: n.sessionId,
    created_at: new Date(n.createdAt).toISOString(),
    updated_at: new Date(n.updatedAt).toISOString(),
  };
}

function exportEdge(e: GraphEdge, changeIds: Map<number, string>): ExportedEdge {
  return {
    id: e.id,
    from: e.from,
    to: e.to,
    from_change_id: changeIds.get(e.from)!,
    to_change_id: changeIds.get(e.to)!,
    type: e.type,
    rationale: e.rationale,
    created_at: new Date(e.createdAt).toISOString(),
  };
}

const SHAPES: Record<NodeType, string> = {
  goal: "doubleoctagon",
  decision: "diamond",
  option: "box",
  action: "box",
  outcome: "ellipse",
  observation: "note",
  revisit: "hexagon",
};

/** The graph as Graphviz DOT (`dot -Tsvg`). */
export function toDot(graph: DecisionGraph): string {
  const q = (s: string) =>
    `"${s.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", " ")}"`;
  const lines = ["digraph decisions {", "  rankdir=TB;", '  node [fontname="Helvetica"];'];
  for (const n of allNodes(graph)) {
    const style = n.status === "rejected" || n.status === "superseded" || n.status === "abandoned"
      ? ', style="dashed"'
      : "";
    lines.push(
      `  n${n.id} [label=${q(`${n.type} #${n.id}`).slice(0, -1)}\\n${q(n.title).slice(1)}, shape=${
        SHAPES[n.type]
      }${style}, tooltip=${q(n.status)}];`,
    );
  }
  for (const e of allEdges(graph)) {
    const style = e.type === "rejected"
      ? ', style="dashed"'
      : e.type === "chosen"
      ? ", penwidth=2"
      : "";
    lines.push(`  n${e.from} -> n${e.to} [label=${q(e.type)}${style}];`);
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}

/** The graph as a Mermaid flowchart. */
export function toMermaid(graph: DecisionGraph): string {
  const q = (s: string) =>
    s.replaceAll("&", "#amp;").replaceAll('"', "#quot;").replaceAll("<", "#lt;").replaceAll(
      ">",
      "#gt;",
    ).replaceAll("\n", " ");
  const lines = ["flowchart TD"];
  for (const n of allNodes(graph)) {
    lines.push(`  n${n.id}["${n.type} #${n.id}: ${q(n.title)}"]`);
  }
  for (const e of allEdges(graph)) {
    const arrow = e.type === "rejected" ? "-.->" : e.type === "chosen" ? "==>" : "-->";
    lines.push(`  n${e.from} ${arrow}|${e.type}| n${e.to}`);
  }
  for (const n of allNodes(graph)) {
    if (n.status === "rejected" || n.status === "superseded" || n.status === "abandoned") {
      lines.push(`  class n${n.id} closed`);
    }
  }
  lines.push("  classDef closed stroke-dasharray: 5 5,opacity:0.6");
  return lines.join("\n") + "\n";
}
