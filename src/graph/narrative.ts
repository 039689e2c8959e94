import { EDGE_COLUMNS, NODE_COLUMNS, toEdge, toNode } from "./rows.ts";
import type { DecisionGraph } from "./store.ts";
import type { GraphEdge, GraphNode } from "./types.ts";

/** One change of direction: old approach → observation → revisit → new approach. */
export interface Pivot {
  revisit: GraphNode | null;
  /** What the revisit (or the new approach) replaced. */
  oldApproach: GraphNode[];
  /** The observations and outcomes that prompted the revisit. */
  reasons: GraphNode[];
  newApproach: GraphNode[];
  /** supersedes edges of this pivot, old → new. */
  superseded: { old: GraphNode; by: GraphNode; rationale: string | null }[];
  at: number;
}

/** The story of the graph: a timeline and its pivots. */
export interface Narrative {
  timeline: { node: GraphNode; parents: { id: number; type: string }[] }[];
  /** Nodes older than the timeline's window. */
  earlier: number;
  pivots: Pivot[];
  markdown: string;
}

/** Options for `buildNarrative`. */
export interface NarrativeOptions {
  /** Most recent nodes in the timeline (default 200). */
  limit?: number;
}

/** A markdown timeline of what happened and every pivot, with what it superseded. */
export function buildNarrative(graph: DecisionGraph, options: NarrativeOptions = {}): Narrative {
  const limit = options.limit ?? 200;
  const nodes = graph.sql(
    `SELECT * FROM (SELECT ${NODE_COLUMNS} FROM graph_nodes n ORDER BY n.created_at DESC, n.id DESC
     LIMIT ?) ORDER BY created_at, id`,
  ).all(limit).map(toNode);
  const total = (graph.sql("SELECT count(*) AS c FROM graph_nodes").get() as { c: number }).c;
  const incoming = graph.sql(
    `SELECT ${EDGE_COLUMNS} FROM graph_edges e WHERE e.to_id = ? ORDER BY e.id`,
  );
  const outgoing = graph.sql(
    `SELECT ${EDGE_COLUMNS} FROM graph_edges e WHERE e.from_id = ? ORDER BY e.id`,
  );
  const into = (id: number) => incoming.all(id).map(toEdge);
  const out = (id: number) => outgoing.all(id).map(toEdge);
  const timeline = nodes.map((node) => ({
    node,
    parents: into(node.id).map((e) => ({ id: e.from, type: e.type })),
  }));
  const pivots = findPivots(graph, limit, into, out);
  const markdown = render(timeline, total - nodes.length, pivots);
  return { timeline, earlier: total - nodes.length, pivots, markdown };
}

function findPivots(
  graph: DecisionGraph,
  limit: number,
  into: (id: number) => GraphEdge[],
  out: (id: number) => GraphEdge[],
): Pivot[] {
  const node = (id: number) => graph.get(id);
  const pivots: Pivot[] = [];
  const covered = new Set<number>();
  const revisits = graph.sql(
    `SELECT ${NODE_COLUMNS} FROM graph_nodes n WHERE n.type = 'revisit'
     ORDER BY n.created_at DESC, n.id DESC LIMIT ?`,
  ).all(limit).map(toNode).reverse();
  for (const revisit of revisits) {
    const reasons = into(revisit.id).map((e) => node(e.from));
    const oldIds = new Set<number>();
    const forward = out(revisit.id).filter((e) => e.type !== "supersedes");
    const newApproach = forward.map((e) => node(e.to));
    const targets = new Set([revisit.id, ...newApproach.map((n) => n.id)]);
    const superseded: Pivot["superseded"] = [];
    for (const id of targets) {
      for (const e of into(id)) {
        if (e.type !== "supersedes") continue;
        covered.add(e.id);
        oldIds.add(e.from);
        superseded.push({ old: node(e.from), by: node(e.to), rationale: e.rationale });
      }
    }
    // Without supersedes edges, the old approach is whatever the observations came from.
    if (oldIds.size === 0) {
      for (const r of reasons) for (const e of into(r.id)) oldIds.add(e.from);
    }
    pivots.push({
      revisit,
      oldApproach: [...oldIds].map(node),
      reasons,
      newApproach,
      superseded,
      at: revisit.createdAt,
    });
  }
  const rest = graph.sql(
    `SELECT ${EDGE_COLUMNS} FROM graph_edges e WHERE e.type = 'supersedes' ORDER BY e.id DESC LIMIT ?`,
  ).all(limit).map(toEdge).reverse().filter((e) => !covered.has(e.id));
  for (const e of rest) {
    const old = node(e.from);
    const by = node(e.to);
    const reasons = into(by.id).filter((x) => x.type !== "supersedes").map((x) => node(x.from))
      .filter((n) => n.type === "observation" || n.type === "outcome");
    pivots.push({
      revisit: null,
      oldApproach: [old],
      reasons,
      newApproach: [by],
      superseded: [{ old, by, rationale: e.rationale }],
      at: e.createdAt,
    });
  }
  return pivots.sort((a, b) => a.at - b.at);
}

function render(timeline: Narrative["timeline"], earlier: number, pivots: Pivot[]): string {
  const lines = ["# Decision narrative", ""];
  if (timeline.length === 0) return lines.concat("Nothing recorded yet.", "").join("\n");
  lines.push("## Timeline", "");
  if (earlier > 0) lines.push(`_${earlier} earlier nodes not shown._`, "");
  let day = "";
  for (const { node, parents } of timeline) {
    const iso = new Date(node.createdAt).toISOString();
    if (iso.slice(0, 10) !== day) {
      if (day) lines.push("");
      day = iso.slice(0, 10);
      lines.push(`### ${day}`, "");
    }
    const from = parents.length
      ? ` ← ${parents.map((p) => `${PARENT_WORDS[p.type] ?? ""}#${p.id}`).join(", ")}`
      : "";
    const conf = node.confidence === null ? "" : `, ${node.confidence}%`;
    lines.push(
      `- ${
        iso.slice(11, 16)
      } **${node.type}** #${node.id} ${node.title} _(${node.status}${conf})_${from}`,
    );
  }
  lines.push("", "## Pivots", "");
  if (pivots.length === 0) lines.push("No pivots: no approach has been revisited or superseded.");
  pivots.forEach((p, i) => {
    const head = p.revisit
      ? `#${p.revisit.id} ${p.revisit.title}`
      : p.newApproach.map(name).join(", ");
    lines.push(`### ${i + 1}. ${head} (${new Date(p.at).toISOString().slice(0, 10)})`, "");
    if (p.oldApproach.length) lines.push(`- Old approach: ${p.oldApproach.map(name).join("; ")}`);
    for (const r of p.reasons) {
      lines.push(`- Observed: ${name(r)}${r.body ? ` — ${firstLine(r.body)}` : ""}`);
    }
    if (p.revisit) lines.push(`- Revisit: ${name(p.revisit)}`);
    if (p.newApproach.length) lines.push(`- New approach: ${p.newApproach.map(name).join("; ")}`);
    for (const s of p.superseded) {
      lines.push(
        `- Superseded: #${s.old.id} by #${s.by.id}${s.rationale ? `: ${s.rationale}` : ""}`,
      );
    }
    lines.push("");
  });
  return lines.join("\n").trimEnd() + "\n";
}

const PARENT_WORDS: Record<string, string> = {
  leads_to: "",
  chosen: "chosen by ",
  rejected: "rejected by ",
  requires: "required by ",
  blocks: "blocked by ",
  enables: "enabled by ",
  supersedes: "supersedes ",
};

function name(node: GraphNode): string {
  return `${node.type} #${node.id} ${node.title}`;
}

function firstLine(text: string): string {
  return text.split("\n").find((l) => l.trim())?.trim() ?? "";
}
