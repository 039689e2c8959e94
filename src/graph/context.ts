import { cutText } from "../core/mod.ts";
import { NODE_COLUMNS } from "./rows.ts";
import { NODE_STATUSES } from "./types.ts";
import { fitContext, lazy } from "./_context_fit.ts";
import type { Candidates, DecisionContext } from "./_context_fit.ts";
import type { DecisionGraph } from "./store.ts";

export { CONTEXT_SECTIONS } from "./_context_fit.ts";
export type { ContextSection, DecisionContext } from "./_context_fit.ts";

/** Options for `buildDecisionContext`. */
export interface ContextOptions {
  /** Token budget for the whole block (`[context] max_decision_context_tokens`). */
  budgetTokens: number;
  /** Candidates read per section (default 25). */
  perSection?: number;
  /** Decisions below this confidence are listed as uncertain (default 50). */
  lowConfidence?: number;
  /** Counts tokens (default: characters/4); the agent passes its real tokenizer. */
  countTokens?: (text: string) => number;
}

// The columns of a node row that the block prints. Rows are printed as they come from SQLite:
// mapping each to a GraphNode (files parsed, fields renamed) cost more than the printing.
interface NodeRow {
  id: number;
  type: string;
  title: string;
  body: string;
  status: string;
  confidence: number | null;
  updated_at: number;
}

const OPEN = "('pending', 'active')";

// Newest outcomes and observations: one index range per (type, status) read backwards, merged.
// Asking for `type IN (...) ORDER BY updated_at` directly sorts every such node (10 ms at 100k).
const RECENT = `SELECT ${NODE_COLUMNS} FROM (${
  ["outcome", "observation"].flatMap((type) =>
    NODE_STATUSES.map((status) =>
      `SELECT * FROM (SELECT n.id, n.updated_at FROM graph_nodes n WHERE n.type = '${type}'
         AND n.status = '${status}' ORDER BY n.updated_at DESC, n.id DESC LIMIT ?1)`
    )
  ).join(" UNION ALL ")
}) r JOIN graph_nodes n ON n.id = r.id ORDER BY r.updated_at DESC, r.id DESC LIMIT ?1`;

/**
 * The block injected into LLM calls: active goals with their open decisions, rejected options
 * with their reasons, chosen options, recent outcomes and observations, low-confidence decisions.
 * Fits `budgetTokens` by priority, never cuts an item, and ends saying what it left out.
 */
export function buildDecisionContext(
  graph: DecisionGraph,
  options: ContextOptions,
): DecisionContext {
  const candidates = readCandidates(graph, options.perSection ?? 25, options.lowConfidence ?? 50);
  return fitContext(candidates, options.budgetTokens, options.countTokens);
}

function readCandidates(graph: DecisionGraph, limit: number, low: number): Candidates {
  const q = (sql: string, ...params: (number | string)[]) =>
    graph.sql(sql).all(...params) as unknown as NodeRow[];
  const count = (sql: string, ...params: (number | string)[]) =>
    (graph.sql(sql).get(...params) as { c: number }).c;

  const goalRows = q(
    `SELECT ${NODE_COLUMNS} FROM graph_nodes n WHERE n.type = 'goal' AND n.status IN ${OPEN}
     ORDER BY n.updated_at DESC, n.id DESC LIMIT ?`,
    limit,
  );
  // Every goal's open decisions are read (the same queries whatever the budget); printing waits.
  const openRows = goalRows.map((goal) =>
    q(
      `SELECT ${NODE_COLUMNS} FROM graph_edges e JOIN graph_nodes n ON n.id = e.to_id
       WHERE e.from_id = ? AND n.type = 'decision' AND n.status IN ${OPEN}
         AND NOT EXISTS (SELECT 1 FROM graph_edges c WHERE c.from_id = n.id AND c.type = 'chosen')
       ORDER BY n.updated_at DESC, n.id DESC LIMIT 6`,
      goal.id,
    )
  );
  const goals = lazy(goalRows, (goal, i) => {
    const open = openRows[i];
    const lines = [`- ${describe(goal)}`];
    for (const d of open.slice(0, 5)) lines.push(`  - open decision ${describe(d)}`);
    if (open.length > 5) lines.push(`  - and more open decisions`);
    return lines.join("\n");
  });

  const rejected = lazy(
    q(
      `SELECT ${NODE_COLUMNS},
       (SELECT e.rationale FROM graph_edges e WHERE e.to_id = n.id AND e.type = 'rejected'
        ORDER BY e.id DESC LIMIT 1) AS reason,
       (SELECT p.id || char(31) || p.title FROM graph_edges e JOIN graph_nodes p ON p.id = e.from_id
        WHERE e.to_id = n.id AND e.type IN ('rejected', 'leads_to') ORDER BY e.id DESC LIMIT 1) AS parent
     FROM graph_nodes n WHERE n.type IN ('option', 'action') AND n.status = 'rejected'
     ORDER BY n.updated_at DESC, n.id DESC LIMIT ?`,
      limit,
    ),
    (row) => {
      const { reason, parent } = row as NodeRow & { reason: string | null; parent: unknown };
      const why = reason ?? firstLine(row.body);
      return `- ${short(row)}${forParent(parent)}: ${why || "no reason recorded"}`;
    },
  );

  const chosen = lazy(
    q(
      `SELECT ${NODE_COLUMNS}, e.rationale AS reason, p.id || char(31) || p.title AS parent
     FROM graph_edges e JOIN graph_nodes n ON n.id = e.to_id JOIN graph_nodes p ON p.id = e.from_id
     WHERE e.type = 'chosen' AND n.status NOT IN ('rejected', 'superseded', 'abandoned')
     ORDER BY e.id DESC LIMIT ?`,
      limit,
    ),
    (row) => {
      const { reason, parent } = row as NodeRow & { reason: string | null; parent: unknown };
      return `- ${short(row)}${forParent(parent)}${reason ? `: ${reason}` : ""}`;
    },
  );

  const recent = lazy(q(RECENT, limit), (row) => {
    const body = firstLine(row.body);
    return `- ${describe(row)} ${day(row.updated_at)}${body ? `: ${body}` : ""}`;
  });

  // One pass gives both the count and the order; only the shown rows are read in full.
  const uncertainIds = q(
    `SELECT n.id FROM graph_nodes n WHERE n.type = 'decision' AND n.status IN ${OPEN}
       AND n.confidence < ? ORDER BY n.confidence, n.updated_at DESC, n.id`,
    low,
  ).map((row) => row.id);
  const shownIds = uncertainIds.slice(0, limit);
  const byId = new Map(
    q(
      `SELECT ${NODE_COLUMNS} FROM graph_nodes n WHERE n.id IN (SELECT value FROM json_each(?))`,
      JSON.stringify(shownIds),
    ).map((row) => [row.id, row]),
  );
  const uncertain = lazy(shownIds, (id) => `- ${describe(byId.get(id)!)}`);

  return {
    items: { goals, rejected, chosen, recent, uncertain },
    totals: {
      goals: count(
        `SELECT count(*) AS c FROM graph_nodes WHERE type = 'goal' AND status IN ${OPEN}`,
      ),
      rejected: count(
        `SELECT count(*) AS c FROM graph_nodes WHERE type IN ('option', 'action') AND status = 'rejected'`,
      ),
      // All chosen edges (an index count) minus those into dead nodes (few, found by status):
      // the direct join reads every chosen edge's target row (6 ms at 100k nodes).
      chosen: count(
        `SELECT (SELECT count(*) FROM graph_edges WHERE type = 'chosen') -
           (SELECT count(*) FROM graph_nodes n CROSS JOIN graph_edges e
            ON e.to_id = n.id AND e.type = 'chosen'
            WHERE n.status IN ('rejected', 'superseded', 'abandoned')) AS c`,
      ),
      recent: count(
        `SELECT count(*) AS c FROM graph_nodes WHERE type IN ('outcome', 'observation')`,
      ),
      uncertain: uncertainIds.length,
    },
  };
}

function describe(node: NodeRow): string {
  const facts = node.confidence === null ? node.status : `${node.status}, ${node.confidence}%`;
  return `#${node.id} ${node.type} "${node.title}" [${facts}]`;
}

function short(node: NodeRow): string {
  return `#${node.id} ${node.type} "${node.title}"`;
}

function forParent(parent: unknown): string {
  if (typeof parent !== "string") return "";
  const [id, title] = parent.split("\u001f");
  return ` for #${id} "${title}"`;
}

function firstLine(text: string): string {
  if (text === "") return "";
  const line = text.split("\n").find((l) => l.trim().length > 0)?.trim() ?? "";
  return line.length > 160 ? cutText(line, 157) + "..." : line;
}

function day(ms: number): string {
  return `(${new Date(ms).toISOString().slice(0, 10)})`;
}
