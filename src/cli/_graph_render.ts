import type { GraphEdge, GraphNode, ImportResult, NodeDetail } from "../graph/mod.ts";
import { safeText } from "./render/safe_text.ts";

// Titles, bodies and rationales come from models and MCP clients: control characters in them are
// shown, not sent to the terminal (see safeText); a title stays on its line.
const oneLine = (text: string) => safeText(text, { oneLine: true });

/** `2025-01-02 10:00 UTC` */
export function when(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace("T", " ") + " UTC";
}

function facts(node: GraphNode): string {
  return [node.status, ...(node.confidence === null ? [] : [`${node.confidence}%`])].join(", ");
}

/** One node on one line: id, type, status, confidence, title. */
export function nodeLine(node: GraphNode): string {
  const conf = node.confidence === null ? "" : `${node.confidence}%`;
  return `#${String(node.id).padEnd(5)} ${node.type.padEnd(11)} ${node.status.padEnd(10)} ${
    conf.padStart(4)
  }  ${oneLine(node.title)}`;
}

/** A node list, or a sentence when empty. */
export function renderList(nodes: GraphNode[]): string {
  if (nodes.length === 0) return "No nodes match.\n";
  return nodes.map(nodeLine).join("\n") + "\n";
}

/** A node with its body, provenance and both directions of edges. */
export function renderDetail(d: NodeDetail): string {
  const n = d.node;
  const lines = [`#${n.id} ${n.type} "${oneLine(n.title)}" [${facts(n)}]`];
  const where = n.branch || n.commit
    ? ` on ${n.branch ?? "(detached)"}${n.commit ? "@" + n.commit.slice(0, 8) : ""}`
    : "";
  lines.push(`  change ${n.changeId}`);
  lines.push(`  created ${when(n.createdAt)}${where}; updated ${when(n.updatedAt)}`);
  if (n.sessionId) lines.push(`  session ${n.sessionId}`);
  if (n.files.length) lines.push(`  files: ${n.files.join(", ")}`);
  if (n.body) lines.push("", ...safeText(n.body).split("\n").map((l) => `  ${l}`));
  const edge = (e: GraphEdge) => `${e.type}${e.rationale ? `: ${oneLine(e.rationale)}` : ""}`;
  if (d.incoming.length) {
    lines.push("", "From:");
    for (const x of d.incoming) {
      lines.push(`  ← #${x.node.id} ${x.node.type} "${oneLine(x.node.title)}" (${edge(x.edge)})`);
    }
  }
  if (d.outgoing.length) {
    lines.push("", "To:");
    for (const x of d.outgoing) {
      lines.push(`  → #${x.node.id} ${x.node.type} "${oneLine(x.node.title)}" (${edge(x.edge)})`);
    }
  }
  return safeText(lines.join("\n") + "\n");
}

/** `Added #4 option "..." under #2 (chosen)`. */
export function renderAdded(node: GraphNode, edges: GraphEdge[]): string {
  const under = edges.length
    ? ` under ${edges.map((e) => `#${e.from} (${e.type})`).join(", ")}`
    : "";
  return `Added #${node.id} ${node.type} "${oneLine(node.title)}" [${facts(node)}]${under}\n`;
}

/** What an import did, in one or two lines. */
export function renderImport(r: ImportResult, source: string): string {
  const lines = [
    `Imported ${source} (${r.format} format): ${r.nodesAdded} nodes and ${r.edgesAdded} edges added`,
  ];
  const skipped = [];
  if (r.nodesSkipped) skipped.push(`${r.nodesSkipped} nodes already present`);
  if (r.edgesSkipped) skipped.push(`${r.edgesSkipped} edges already present`);
  if (r.edgesCoerced) {
    skipped.push(`${r.edgesCoerced} edges of a type that did not fit imported as leads_to`);
  }
  if (skipped.length) lines.push(`  ${skipped.join("; ")}`);
  return lines.join("\n") + "\n";
}
