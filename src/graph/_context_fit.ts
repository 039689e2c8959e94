import { estimateTokens } from "../core/mod.ts";

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

/** Each section's candidates and how many rows it has in all. */
export interface Candidates {
  items: Record<ContextSection, Items>;
  totals: Record<ContextSection, number>;
}

/** A section's candidates, each printed only when the budget gets to it (most never are). */
export interface Items {
  count: number;
  text(i: number): string;
}

/** Items over `rows`, printed by `print` on first use. */
export function lazy<T>(rows: T[], print: (row: T, i: number) => string): Items {
  const memo: string[] = [];
  return { count: rows.length, text: (i) => memo[i] ??= print(rows[i], i) };
}

const OPENING = "<decision_context>\n" +
  "The project's decision graph: goals, what was chosen, what was rejected and why.\n";
const CLOSING = "</decision_context>";
const EMPTY = "No decisions recorded yet.\n";

/** Counts the tokens of a text. */
export type TokenCounter = (text: string) => number;

/**
 * Fits the candidate items into the budget in strict priority order, whole items only: the first
 * item that does not fit ends the block. When something is left out, room is kept for a footer
 * saying what (sized for the worst case, so one pass is enough). `count` measures each piece
 * (default: characters/4); a real tokenizer can count the whole block a little above its pieces'
 * sum, and then the block is fitted once more to a budget smaller by that much.
 */
export function fitContext(
  candidates: Candidates,
  budget: number,
  count: TokenCounter = tokens,
): DecisionContext {
  const costs = {} as Record<ContextSection, number[]>;
  for (const s of CONTEXT_SECTIONS) costs[s] = [];
  const fixed = count === tokens ? FIXED : fixedCosts(count);
  const within = (room: number): DecisionContext => {
    // More rows than candidates read means something is left out whatever the budget: no need
    // for a first pass without the footer's reserve (the usual case on a large graph).
    const surely = CONTEXT_SECTIONS.some((s) => candidates.totals[s] > candidates.items[s].count);
    if (!surely) {
      const first = fill(candidates, costs, room, 0, count, fixed);
      if (CONTEXT_SECTIONS.every((s) => first.omitted[s] === 0)) {
        return finish(first, "", budget, count);
      }
    }
    const worst = leftOut(candidates.totals, budget);
    const second = fill(candidates, costs, room, count(worst), count, fixed);
    return finish(second, leftOut(second.omitted, budget), budget, count);
  };
  let context = within(budget);
  if (context.tokens > budget) context = within(budget - (context.tokens - budget));
  if (context.tokens > budget) context = { ...context, text: "", tokens: 0 };
  return context;
}

/** `estimateTokens`, without walking the characters of plain ASCII text (same result). */
function tokens(text: string): number {
  return NON_ASCII.test(text) ? estimateTokens(text) : Math.ceil(text.length / 4);
}
// deno-lint-ignore no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;

/** What the block costs whatever it holds: its frame, and each section's heading. */
interface FixedCosts {
  frame: number;
  heading: Record<ContextSection, number>;
}

function fixedCosts(count: TokenCounter): FixedCosts {
  return {
    frame: count(OPENING) + count(CLOSING),
    heading: Object.fromEntries(
      CONTEXT_SECTIONS.map((s) => [s, count(HEADINGS[s] + "\n")]),
    ) as Record<ContextSection, number>,
  };
}
const FIXED = fixedCosts(tokens);

interface Filled {
  parts: string[];
  used: number;
  included: Record<ContextSection, number>;
  omitted: Record<ContextSection, number>;
  empty: boolean;
}

/** One pass in priority order; `costs` memoizes each item's count across passes. */
function fill(
  candidates: Candidates,
  costs: Record<ContextSection, number[]>,
  budget: number,
  reserve: number,
  count: TokenCounter,
  fixed: FixedCosts,
): Filled {
  const included = {} as Record<ContextSection, number>;
  const omitted = {} as Record<ContextSection, number>;
  const parts: string[] = [OPENING];
  let used = fixed.frame + reserve;
  let full = used > budget;
  for (const section of CONTEXT_SECTIONS) {
    const heading = HEADINGS[section] + "\n";
    const items = candidates.items[section];
    const known = costs[section];
    included[section] = 0;
    for (let i = 0; i < items.count && !full; i++) {
      const item = items.text(i);
      const cost = (known[i] ??= count(item + "\n")) +
        (included[section] ? 0 : fixed.heading[section]);
      if (used + cost > budget) {
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

function finish(
  filled: Filled,
  footer: string,
  budget: number,
  count: TokenCounter,
): DecisionContext {
  const { parts, included, omitted } = filled;
  if (filled.empty) parts.push(EMPTY);
  const text = parts.join("") + (footer ? `\n${footer}` : "") + CLOSING;
  return { text, tokens: count(text), budget, included, omitted };
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
