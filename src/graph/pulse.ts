import { NODE_STATUSES, NODE_TYPES } from "./types.ts";
import type { DecisionGraph } from "./store.ts";
import type { NodeStatus, NodeType } from "./types.ts";

/** A node as the pulse lists it. */
export interface PulseItem {
  id: number;
  type: NodeType;
  title: string;
  status: NodeStatus;
  confidence: number | null;
}

/** A count with the first few members. */
export interface PulseList {
  count: number;
  items: PulseItem[];
}

/** The graph's health at a glance. */
export interface Pulse {
  generatedAt: number;
  staleDays: number;
  totals: { nodes: number; edges: number };
  byType: Record<NodeType, Partial<Record<NodeStatus, number>>>;
  confidence: { unset: number; "0-24": number; "25-49": number; "50-74": number; "75-100": number };
  goals: (PulseItem & { descendants: number; open: number })[];
  gaps: {
    goalsWithoutOptions: PulseList;
    decisionsWithoutActions: PulseList;
    actionsWithoutOutcomes: PulseList;
  };
  orphans: PulseList;
  stale: PulseList;
  lowConfidence: PulseList & { files: { file: string; count: number }[] };
}

/** Options for `computePulse`. */
export interface PulseOptions {
  /** Open nodes untouched for this many days are stale (`[graph] stale_days`, default 14). */
  staleDays?: number;
  /** Items listed per section (default 10). */
  limit?: number;
  /** Confidence below this is low (default 50). */
  lowConfidence?: number;
}

const OPEN = "n.status IN ('pending', 'active')";
const LIVE = "n.status NOT IN ('rejected', 'superseded', 'abandoned')";
const ITEM = "n.id, n.type, n.title, n.status, n.confidence";

/** Counts, confidence buckets, goal trees, coverage gaps, orphans, stale and low-confidence nodes. */
export function computePulse(graph: DecisionGraph, options: PulseOptions = {}): Pulse {
  const now = graph.clock.now();
  const staleDays = options.staleDays ?? 14;
  const limit = options.limit ?? 10;
  const low = options.lowConfidence ?? 50;
  const all = (sql: string, ...p: (string | number)[]) => graph.sql(sql).all(...p);
  const list = (where: string, ...p: (string | number)[]): PulseList => {
    const count = graph.sql(`SELECT count(*) AS c FROM graph_nodes n WHERE ${where}`)
      .get(...p) as { c: number };
    const items = all(
      `SELECT ${ITEM} FROM graph_nodes n WHERE ${where} ORDER BY n.updated_at DESC, n.id DESC LIMIT ${limit}`,
      ...p,
    ) as unknown as PulseItem[];
    return { count: count.c, items: items.map((i) => ({ ...i })) };
  };

  const byType = Object.fromEntries(NODE_TYPES.map((t) => [t, {}])) as Pulse["byType"];
  let nodes = 0;
  for (
    const row of all("SELECT type, status, count(*) AS c FROM graph_nodes GROUP BY type, status")
  ) {
    byType[row.type as NodeType][row.status as NodeStatus] = row.c as number;
    nodes += row.c as number;
  }
  const edges = (graph.sql("SELECT count(*) AS c FROM graph_edges").get() as { c: number }).c;

  const confidence: Pulse["confidence"] = {
    unset: 0,
    "0-24": 0,
    "25-49": 0,
    "50-74": 0,
    "75-100": 0,
  };
  for (
    const row of all(
      `SELECT CASE WHEN confidence IS NULL THEN 'unset' WHEN confidence < 25 THEN '0-24'
         WHEN confidence < 50 THEN '25-49' WHEN confidence < 75 THEN '50-74' ELSE '75-100' END AS b,
         count(*) AS c FROM graph_nodes GROUP BY b`,
    )
  ) confidence[row.b as keyof Pulse["confidence"]] = row.c as number;

  const goals = (all(
    `SELECT ${ITEM} FROM graph_nodes n WHERE n.type = 'goal' AND ${OPEN}
     ORDER BY n.updated_at DESC, n.id DESC LIMIT ${limit}`,
  ) as unknown as PulseItem[]).map((goal) => {
    const tree = graph.sql(
      `WITH RECURSIVE tree(id, depth) AS (
         SELECT ?, 0 UNION SELECT e.to_id, t.depth + 1 FROM graph_edges e JOIN tree t ON e.from_id = t.id
         WHERE t.depth < 20)
       SELECT count(*) AS descendants, coalesce(sum(${OPEN}), 0) AS open
       FROM (SELECT DISTINCT id FROM tree WHERE id <> ?) d JOIN graph_nodes n ON n.id = d.id`,
    ).get(goal.id, goal.id) as { descendants: number; open: number };
    return { ...goal, descendants: tree.descendants, open: tree.open };
  });

  const child = (type: string) =>
    `EXISTS (SELECT 1 FROM graph_edges e JOIN graph_nodes c ON c.id = e.to_id
             WHERE e.from_id = n.id AND c.type = '${type}')`;
  const grandchild = (via: string, type: string) =>
    `EXISTS (SELECT 1 FROM graph_edges e JOIN graph_nodes c ON c.id = e.to_id
             JOIN graph_edges e2 ON e2.from_id = c.id JOIN graph_nodes g ON g.id = e2.to_id
             WHERE e.from_id = n.id AND c.type = '${via}' AND g.type = '${type}')`;
  const gaps = {
    goalsWithoutOptions: list(
      `n.type = 'goal' AND ${OPEN} AND NOT ${child("option")} AND NOT ${
        grandchild("decision", "option")
      }`,
    ),
    decisionsWithoutActions: list(
      `n.type = 'decision' AND ${LIVE} AND NOT ${child("action")} AND NOT ${
        grandchild("option", "action")
      }`,
    ),
    actionsWithoutOutcomes: list(`n.type = 'action' AND ${LIVE} AND NOT ${child("outcome")}`),
  };

  const orphans = list(
    `n.type <> 'goal' AND NOT EXISTS (SELECT 1 FROM graph_edges e WHERE e.to_id = n.id)`,
  );
  const cutoff = now - staleDays * 86_400_000;
  const stale = list(
    `${OPEN} AND n.updated_at < ? AND NOT EXISTS (SELECT 1 FROM graph_edges e
       WHERE (e.from_id = n.id OR e.to_id = n.id) AND e.created_at >= ?)`,
    cutoff,
    cutoff,
  );
  const lowConfidence = {
    ...list(`${LIVE} AND n.confidence < ?`, low),
    files: all(
      `SELECT f.value AS file, count(*) AS count FROM graph_nodes n, json_each(n.files) f
       WHERE ${LIVE} AND n.confidence < ? GROUP BY f.value ORDER BY count DESC, file LIMIT ${limit}`,
      low,
    ).map((r) => ({ file: r.file as string, count: r.count as number })),
  };

  return {
    generatedAt: now,
    staleDays,
    totals: { nodes, edges },
    byType,
    confidence,
    goals,
    gaps,
    orphans,
    stale,
    lowConfidence,
  };
}

/** True when the pulse found any coverage gap. */
export function hasGaps(pulse: Pulse): boolean {
  const g = pulse.gaps;
  return g.goalsWithoutOptions.count + g.decisionsWithoutActions.count +
      g.actionsWithoutOutcomes.count > 0;
}

/** The pulse as text for a terminal. */
export function renderPulse(pulse: Pulse): string {
  const out: string[] = [
    `Decision graph: ${pulse.totals.nodes} nodes, ${pulse.totals.edges} edges`,
  ];
  out.push("", "By type:");
  for (const type of NODE_TYPES) {
    const counts = pulse.byType[type];
    const total = Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);
    if (total === 0) continue;
    const parts = NODE_STATUSES.filter((s) => counts[s]).map((s) => `${counts[s]} ${s}`);
    out.push(`  ${type.padEnd(12)} ${String(total).padStart(6)}  (${parts.join(", ")})`);
  }
  const c = pulse.confidence;
  out.push(
    "",
    `Confidence: ${c["75-100"]} high (75-100), ${c["50-74"]} fair (50-74), ${
      c["25-49"]
    } low (25-49), ${c["0-24"]} very low (0-24), ${c.unset} unset`,
  );
  if (pulse.goals.length > 0) {
    out.push("", "Active goals:");
    for (const g of pulse.goals) {
      out.push(`  #${g.id} "${g.title}" [${g.status}]: ${g.descendants} below it, ${g.open} open`);
    }
  }
  const section = (title: string, list: PulseList, hint: string) => {
    if (list.count === 0) return;
    out.push("", `${title} (${list.count}): ${hint}`);
    for (const i of list.items) out.push(`  #${i.id} ${i.type} "${i.title}" [${i.status}]`);
    if (list.count > list.items.length) {
      out.push(`  ... and ${list.count - list.items.length} more`);
    }
  };
  section("Goals without options", pulse.gaps.goalsWithoutOptions, "add the options considered");
  section(
    "Decisions without actions",
    pulse.gaps.decisionsWithoutActions,
    "record what was done about them",
  );
  section("Actions without outcomes", pulse.gaps.actionsWithoutOutcomes, "record what happened");
  section("Orphans", pulse.orphans, "link them under a goal or decision");
  section(`Stale (no activity for ${pulse.staleDays} days)`, pulse.stale, "close or revisit them");
  section("Low confidence", pulse.lowConfidence, "gather evidence or revisit");
  if (pulse.lowConfidence.files.length > 0) {
    out.push(
      "  areas: " + pulse.lowConfidence.files.map((f) => `${f.file} (${f.count})`).join(", "),
    );
  }
  if (!hasGaps(pulse)) out.push("", "No coverage gaps.");
  return out.join("\n") + "\n";
}
