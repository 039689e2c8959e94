import { estimateTokens } from "../core/mod.ts";
import { NODE_COLUMNS, toNode } from "./rows.ts";
import { NODE_STATUSES } from "./types.ts";
import type { DecisionGraph } from "./store.ts";
import type { GraphNode } from "./types.ts";

/** The context block's sections, highest priority first. */
export const CONTEXT_SECTIONS = ["goals", "rejected", "chosen", "recent", "uncertain"] as const;
export type ContextSection = typeof CONTEXT_SECTIONS[number];

const HEADINGS: Record<ContextSection, string> = {
  goals: "Active goals and their open decisions:",
  rejected: "Rejected (do not retry without new evidence):",
  chosen: "Chosen:",
  recent: "Recent outcomes and observations:",
  uncertain: "Low-confidence decisions:",
};

const NOUNS: Record<ContextSection, string> = {
  goals: "active goals",
  rejected: "rejected options",
  chosen: "chosen options",
  recent: "outcomes and observations",
  uncertain: "low-confidence decisions",
};

/** What the context block holds and what it left out. */
export interface DecisionContext {
  text: string;
  tokens: number;
  budget: number;
  included: Record<ContextSection, number>;
  omitted: Record<ContextSection, number>;
}

/** Options for `buildDecisionContext`. */
export interface ContextOptions {
  /** Token budget for the whole block (`[context] max_decision_context_tokens`). */
  budgetTokens: number;
  /** Candidates read per section (default 25). */
  perSection?: number;
  /** Decisions below this confidence are listed as uncertain (default 50). */
  lowConfidence?: number;
}

interface Candidates {
  items: Record<ContextSection, string[]>;
  totals: Record<ContextSection, number>;
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
  return fitContext(candidates, options.budgetTokens);
}

function readCandidates(graph: DecisionGraph, limit: number, low: number): Candidates {
  const q = (sql: string, ...params: (number | string)[]) => graph.sql(sql).all(...params);
  const count = (sql: string, ...params: (number | string)[]) =>
    (graph.sql(sql).get(...params) as { c: number }).c;

  const goals = q(
    `SELECT ${NODE_COLUMNS} FROM graph_nodes n WHERE n.type = 'goal' AND n.status IN ${OPEN}
     ORDER BY n.updated_at DESC, n.id DESC LIMIT ?`,
    limit,
  ).map((row) => {
    const goal = toNode(row);
    const open = q(
      `SELECT ${NODE_COLUMNS} FROM graph_edges e JOIN graph_nodes n ON n.id = e.to_id
       WHERE e.from_id = ? AND n.type = 'decision' AND n.status IN ${OPEN}
         AND NOT EXISTS (SELECT 1 FROM graph_edges c WHERE c.from_id = n.id AND c.type = 'chosen')
       ORDER BY n.updated_at DESC, n.id DESC LIMIT 6`,
      goal.id,
    ).map(toNode);
    const lines = [`- ${describe(goal)}`];
    for (const d of open.slice(0, 5)) lines.push(`  - open decision ${describe(d)}`);
    if (open.length > 5) lines.push(`  - and more open decisions`);
    return lines.join("\n");
  });

  const rejected = q(
    `SELECT ${NODE_COLUMNS},
       (SELECT e.rationale FROM graph_edges e WHERE e.to_id = n.id AND e.type = 'rejected'
        ORDER BY e.id DESC LIMIT 1) AS reason,
       (SELECT p.id || char(31) || p.title FROM graph_edges e JOIN graph_nodes p ON p.id = e.from_id
        WHERE e.to_id = n.id AND e.type IN ('rejected', 'leads_to') ORDER BY e.id DESC LIMIT 1) AS parent
     FROM graph_nodes n WHERE n.type IN ('option', 'action') AND n.status = 'rejected'
     ORDER BY n.updated_at DESC, n.id DESC LIMIT ?`,
    limit,
  ).map((row) => {
    const node = toNode(row);
    const reason = (row.reason as string | null) ?? firstLine(node.body);
    return `- ${short(node)}${forParent(row.parent)}: ${reason || "no reason recorded"}`;
  });

  const chosen = q(
    `SELECT ${NODE_COLUMNS}, e.rationale AS reason, p.id || char(31) || p.title AS parent
     FROM graph_edges e JOIN graph_nodes n ON n.id = e.to_id JOIN graph_nodes p ON p.id = e.from_id
     WHERE e.type = 'chosen' AND n.status NOT IN ('rejected', 'superseded', 'abandoned')
     ORDER BY e.id DESC LIMIT ?`,
    limit,
  ).map((row) => {
    const node = toNode(row);
    const reason = row.reason as string | null;
    return `- ${short(node)}${forParent(row.parent)}${reason ? `: ${reason}` : ""}`;
  });

  const recent = q(RECENT, limit).map((row) => {
    const node = toNode(row);
    const body = firstLine(node.body);
    return `- ${describe(node)} ${day(node.updatedAt)}${body ? `: ${body}` : ""}`;
  });

  // One pass gives both the count and the order; only the shown rows are read in full.
  const uncertainIds = q(
    `SELECT n.id FROM graph_nodes n WHERE n.type = 'decision' AND n.status IN ${OPEN}
       AND n.confidence < ? ORDER BY n.confidence, n.updated_at DESC, n.id`,
    low,
  ).map((row) => row.id as number);
  const shownIds = uncertainIds.slice(0, limit);
  const byId = new Map(
    q(
      `SELECT ${NODE_COLUMNS} FROM graph_nodes n WHERE n.id IN (SELECT value FROM json_each(?))`,
      JSON.stringify(shownIds),
    ).map((row) => [row.id as number, toNode(row)]),
  );
  const uncertain = shownIds.map((id) => `- ${describe(byId.get(id)!)}`);

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

const OPENING = "<decision_context>\n" +
  "The project's decision graph: goals, what was chosen, what was rejected and why.\n";
const CLOSING = "</decision_context>";
const EMPTY = "No decisions recorded yet.\n";

/**
 * Fits the candidate items into the budget in strict priority order, whole items only: the first
 * item that does not fit ends the block. When something is left out, room is kept for a footer
 * saying what (sized for the worst case, so one pass is enough).
 */
function fitContext(candidates: Candidates, budget: number): DecisionContext {
  const first = fill(candidates, budget, 0);
  if (CONTEXT_SECTIONS.every((s) => first.omitted[s] === 0)) return finish(first, "", budget);
  const worst = leftOut(candidates.totals, budget);
  const second = fill(candidates, budget, estimateTokens(worst));
  return finish(second, leftOut(second.omitted, budget), budget);
}

interface Filled {
  parts: string[];
  used: number;
  included: Record<ContextSection, number>;
  omitted: Record<ContextSection, number>;
  empty: boolean;
}

function fill(candidates: Candidates, budget: number, reserve: number): Filled {
  const included = {} as Record<ContextSection, number>;
  const omitted = {} as Record<ContextSection, number>;
  const parts: string[] = [OPENING];
  let used = estimateTokens(OPENING) + estimateTokens(CLOSING) + reserve;
  let full = used > budget;
  for (const section of CONTEXT_SECTIONS) {
    const heading = HEADINGS[section] + "\n";
    included[section] = 0;
    for (const item of candidates.items[section]) {
      const cost = estimateTokens(item + "\n") + (included[section] ? 0 : estimateTokens(heading));
      if (full || used + cost > budget) {
        full = true;
        break;
      }
      if (included[section] === 0) parts.push(heading);
      parts.push(item + "\n");
      used += cost;
      included[section]++;
    }
    omitted[section] = Math.max(0, candidates.totals[section] - included[section]);
  }
  const empty = CONTEXT_SECTIONS.every((s) => candidates.totals[s] === 0);
  return { parts, used, included, omitted, empty };
}

function finish(filled: Filled, footer: string, budget: number): DecisionContext {
  const { parts, included, omitted } = filled;
  if (filled.empty) parts.push(EMPTY);
  let text = parts.join("") + (footer ? `\n${footer}` : "") + CLOSING;
  if (estimateTokens(text) > budget) text = "";
  return { text, tokens: estimateTokens(text), budget, included, omitted };
}

function leftOut(omitted: Record<ContextSection, number>, budget: number): string {
  const parts = CONTEXT_SECTIONS.filter((s) => omitted[s] > 0).map((s) =>
    `${omitted[s]} ${NOUNS[s]}`
  );
  if (parts.length === 0) return "";
  return `Left out to fit ${budget} tokens: ${
    parts.join(", ")
  }; query the decision graph for them.\n`;
}

function describe(node: GraphNode): string {
  const facts = [node.status, ...(node.confidence === null ? [] : [`${node.confidence}%`])];
  return `#${node.id} ${node.type} "${node.title}" [${facts.join(", ")}]`;
}

function short(node: GraphNode): string {
  return `#${node.id} ${node.type} "${node.title}"`;
}

function forParent(parent: unknown): string {
  if (typeof parent !== "string") return "";
  const [id, title] = parent.split("\u001f");
  return ` for #${id} "${title}"`;
}

function firstLine(text: string): string {
  const line = text.split("\n").find((l) => l.trim().length > 0)?.trim() ?? "";
  return line.length > 160 ? line.slice(0, 157) + "..." : line;
}

function day(ms: number): string {
  return `(${new Date(ms).toISOString().slice(0, 10)})`;
}
