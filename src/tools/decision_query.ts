import { z } from "zod";
import { cutText, LoomError } from "../core/mod.ts";
import type { DecisionGraph, GraphNode } from "../graph/mod.ts";
import { NODE_STATUSES, NODE_TYPES } from "../graph/types.ts";
import { defineTool, type ToolContext } from "./define.ts";
import {
  type DecisionToolOptions,
  edgeJson,
  edgeOutput,
  graphOf,
  nodeJson,
  nodeLine,
  nodeOutput,
  nodeRef,
} from "./_decision_format.ts";
import DESCRIPTION from "./decision_query.md" with { type: "text" };

const VIEWS = [
  "list",
  "node",
  "ancestors",
  "descendants",
  "context",
  "pulse",
  "narrative",
] as const;
type View = typeof VIEWS[number];
const DAY_MS = 86_400_000;

const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1)]);
const link = z.object({ edge: edgeOutput, node: nodeOutput });

const input = z.object({
  view: z.enum(VIEWS).optional().describe(
    "list (default), node, ancestors, descendants, context, pulse or narrative",
  ),
  id: nodeRef.optional().describe(
    'For node, ancestors, descendants: the node\'s id (12 or "#12") or change id',
  ),
  type: oneOrMany(z.enum(NODE_TYPES)).optional().describe("For list: only these node types"),
  status: oneOrMany(z.enum(NODE_STATUSES)).optional().describe("For list: only these statuses"),
  text: z.string().optional().describe(
    "For list: full-text search over titles and bodies (plain words, all must match)",
  ),
  since_days: z.number().positive().optional().describe(
    "For list: only nodes updated in the last N days",
  ),
  limit: z.number().int().min(1).max(500).optional().describe(
    "Most nodes to return for list, ancestors, descendants (default 20); timeline length for narrative",
  ),
  depth: z.number().int().min(1).max(50).optional().describe(
    "For ancestors and descendants: how many steps to follow (default 10)",
  ),
  budget: z.number().int().min(50).max(200_000).optional().describe(
    "For context: token budget (default [context] max_decision_context_tokens)",
  ),
});

type Input = z.infer<typeof input>;

/** Reads the decision graph: lists, one node, ancestors/descendants, context, pulse, narrative. */
export function createDecisionQueryTool(options: DecisionToolOptions) {
  return defineTool({
    name: "decision_query",
    description: DESCRIPTION,
    input,
    output: z.object({
      view: z.enum(VIEWS),
      nodes: z.array(nodeOutput.extend({ depth: z.number().int().optional() })).optional()
        .describe("list, ancestors, descendants: the nodes found"),
      node: nodeOutput.optional().describe("node: the node"),
      incoming: z.array(link).optional().describe("node: edges into it, with their other ends"),
      outgoing: z.array(link).optional().describe("node: edges out of it"),
      context: z.object({
        tokens: z.number().int(),
        budget: z.number().int(),
        included: z.record(z.string(), z.number().int()),
        omitted: z.record(z.string(), z.number().int()),
      }).optional().describe("context: what the block holds and what it left out"),
      pulse: z.record(z.string(), z.unknown()).optional().describe("pulse: the full report"),
      pivots: z.number().int().optional().describe("narrative: how many pivots were found"),
    }),
    annotations: {
      title: "Query decisions",
      readOnlyHint: true,
      destructiveHint: false,
      idempotentHint: true,
      openWorldHint: false,
    },
    permission: () => ({ kind: "read", tool: "decision_query", paths: [] }),
    async run(input, ctx) {
      const graph = await graphOf(options, "decision_query");
      // The query functions load with the graph, never at start-up.
      const g = await import("../graph/mod.ts");
      const view: View = input.view ?? "list";
      switch (view) {
        case "list":
          return listView(g.listNodes, graph, input);
        case "node": {
          const detail = graph.detail(needId(input, view));
          const side = (list: typeof detail.incoming, arrow: string) =>
            list.map(({ edge, node }) =>
              `  ${arrow} ${nodeLine(node)} (${edge.type})${
                edge.rationale ? `: ${edge.rationale}` : ""
              }`
            );
          const n = detail.node;
          const lines = [nodeLine(n), `change id ${n.changeId}; ${times(n)}`];
          if (n.branch || n.commit) {
            lines.push(`git: ${n.branch ?? "(detached)"} ${n.commit?.slice(0, 12) ?? ""}`.trim());
          }
          if (n.sessionId) lines.push(`session: ${n.sessionId}`);
          if (n.files.length) lines.push(`files: ${n.files.join(", ")}`);
          if (n.body) lines.push("", n.body);
          if (detail.incoming.length) lines.push("", "From:", ...side(detail.incoming, "←"));
          if (detail.outgoing.length) lines.push("", "To:", ...side(detail.outgoing, "→"));
          const links = (list: typeof detail.incoming) =>
            list.map(({ edge, node }) => ({ edge: edgeJson(edge), node: nodeJson(node) }));
          return {
            text: lines.join("\n"),
            structured: {
              view,
              node: nodeJson(n),
              incoming: links(detail.incoming),
              outgoing: links(detail.outgoing),
            },
          };
        }
        case "ancestors":
        case "descendants": {
          const ref = needId(input, view);
          const walk = view === "ancestors" ? g.ancestors : g.descendants;
          const start = graph.get(ref);
          const found = walk(graph, start.id, { depth: input.depth ?? 10 });
          const shown = found.slice(0, input.limit ?? 20);
          const head = `${found.length} ${view} of ${nodeLine(start)}`;
          const lines = shown.map((f) => `${"  ".repeat(f.depth)}${nodeLine(f.node)}`);
          if (found.length > shown.length) {
            lines.push(`... ${found.length - shown.length} more; raise limit or lower depth`);
          }
          return {
            text: [head, ...lines].join("\n"),
            structured: {
              view,
              nodes: shown.map((f) => ({ ...nodeJson(f.node), depth: f.depth })),
            },
          };
        }
        case "context": {
          const budget = input.budget ?? ctx.config.context.max_decision_context_tokens;
          const c = g.buildDecisionContext(graph, { budgetTokens: budget });
          return {
            text: c.text,
            structured: {
              view,
              context: { tokens: c.tokens, budget, included: c.included, omitted: c.omitted },
            },
          };
        }
        case "pulse": {
          const pulse = g.computePulse(graph, { staleDays: staleDays(ctx) });
          return { text: g.renderPulse(pulse), structured: { view, pulse: { ...pulse } } };
        }
        case "narrative": {
          const narrative = g.buildNarrative(graph, { limit: input.limit });
          return {
            text: narrative.markdown,
            structured: { view, pivots: narrative.pivots.length },
          };
        }
      }
    },
  });
}

function listView(
  listNodes: typeof import("../graph/mod.ts").listNodes,
  graph: DecisionGraph,
  input: Input,
) {
  const limit = input.limit ?? 20;
  const nodes = listNodes(graph, {
    type: input.type,
    status: input.status,
    search: input.text,
    since: input.since_days === undefined
      ? undefined
      : graph.clock.now() - input.since_days * DAY_MS,
    limit,
  });
  const text = nodes.length === 0
    ? "No nodes match; widen the filters, or log the first ones with decision_log"
    : [
      `${nodes.length} node${nodes.length === 1 ? "" : "s"}${
        nodes.length === limit ? ` (the first ${limit}; raise limit for more)` : ""
      }:`,
      ...nodes.map((n) => `${nodeLine(n)} ${day(n.updatedAt)}${summary(n)}`),
    ].join("\n");
  return { text, structured: { view: "list" as const, nodes: nodes.map(nodeJson) } };
}

function needId(input: Input, view: View): string | number {
  if (input.id === undefined) {
    throw new LoomError(
      "INVALID_INPUT",
      `Cannot show ${view}: give the node's id; find it with view list`,
    );
  }
  return input.id;
}

function staleDays(ctx: ToolContext): number {
  return ctx.config.graph.stale_days;
}

function times(n: GraphNode): string {
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace("T", " ");
  return n.createdAt === n.updatedAt
    ? `created ${iso(n.createdAt)}`
    : `created ${iso(n.createdAt)}, updated ${iso(n.updatedAt)}`;
}

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function summary(n: GraphNode): string {
  const line = n.body.split("\n").find((l) => l.trim())?.trim() ?? "";
  if (!line) return "";
  return `: ${line.length > 120 ? cutText(line, 117) + "..." : line}`;
}
