import { z } from "zod";
import { LoomError } from "../core/mod.ts";
import type { GraphEdge, GraphNode } from "../graph/mod.ts";
import { EDGE_TYPES, NODE_STATUSES, NODE_TYPES } from "../graph/types.ts";
import { defineTool } from "./define.ts";
import {
  type DecisionToolOptions,
  edgeJson,
  edgeLine,
  edgeOutput,
  graphOf,
  nodeJson,
  nodeLine,
  nodeOutput,
  nodeRef,
} from "./_decision_format.ts";
import DESCRIPTION from "./decision_log.md" with { type: "text" };

const id = nodeRef.describe(
  'The node to change: its id (12 or "#12") or its change id (a unique prefix of 4+ characters)',
);
const from = nodeRef.describe("The earlier node of the edge (id or change id)");
const to = nodeRef.describe("The later node of the edge (id or change id)");
const rationale = z.string().optional().describe(
  "Why: for a rejected edge the reason it was rejected, for chosen why it won",
);
const status = z.enum(NODE_STATUSES).optional().describe(
  "pending, active, completed, rejected, superseded or abandoned (default by type: goal, action " +
    "and revisit active; decision and option pending; outcome and observation completed)",
);
const confidence = z.number().int().min(0).max(100).optional().describe(
  "How sure you are, 0-100 (a decision below 50 is listed as uncertain)",
);
const files = z.array(z.string()).max(100).optional().describe(
  "Project-relative files this node is about",
);

const input = z.discriminatedUnion("action", [
  z.object({
    action: z.literal("create").describe("Add a node, optionally under parents (one transaction)"),
    type: z.enum(NODE_TYPES).describe(
      "goal, decision, option, action, outcome, observation or revisit",
    ),
    title: z.string().describe("One line saying what it is (at most 300 characters)"),
    body: z.string().optional().describe(
      "Details: evidence, numbers, the reasoning (at most 20,000 characters)",
    ),
    status,
    confidence,
    files,
    parents: z.array(z.object({
      id: nodeRef.describe("The parent node (id or change id)"),
      edge: z.enum(EDGE_TYPES).optional().describe(
        "Edge from the parent to the new node (default leads_to); chosen or rejected from a " +
          "decision to an option",
      ),
      rationale,
    })).max(20).optional().describe("Nodes to link the new one under, each with its edge type"),
  }),
  z.object({
    action: z.literal("update").describe(
      "Change a node's status, confidence, title, body or files",
    ),
    id,
    status,
    confidence: z.number().int().min(0).max(100).nullable().optional().describe(
      "New confidence 0-100, or null to clear it",
    ),
    title: z.string().optional().describe("New title"),
    body: z.string().optional().describe("New body (replaces the old one)"),
    files,
  }),
  z.object({
    action: z.literal("link").describe("Add an edge between two existing nodes"),
    from,
    to,
    edge: z.enum(EDGE_TYPES).describe(
      "leads_to, chosen, rejected, requires, blocks, enables or supersedes",
    ),
    rationale,
  }),
  z.object({
    action: z.literal("unlink").describe("Remove the edges from one node to another"),
    from,
    to,
    edge: z.enum(EDGE_TYPES).optional().describe("Only edges of this type (default: all)"),
  }),
  z.object({
    action: z.literal("supersede").describe(
      "Mark node id superseded by node by (a supersedes edge, old → new)",
    ),
    id,
    by: nodeRef.describe("The node that replaces it (id or change id)"),
    rationale,
  }),
]);

/** Writes to the decision graph: create (with parents), update, link, unlink, supersede. */
export function createDecisionLogTool(options: DecisionToolOptions) {
  return defineTool({
    name: "decision_log",
    description: DESCRIPTION,
    input,
    output: z.object({
      action: z.enum(["create", "update", "link", "unlink", "supersede"]),
      node: nodeOutput.optional().describe("The node created or changed"),
      edges: z.array(edgeOutput).optional().describe("The edges added"),
      removed: z.number().int().optional().describe("Edges removed (unlink)"),
    }),
    annotations: {
      title: "Log a decision",
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: false,
      openWorldHint: false,
    },
    // Loom's own memory, not a project file: judged like a read (allowed unless a rule such as
    // deny = ["decision_log"] says otherwise), so logging never interrupts the user.
    permission: () => ({ kind: "read", tool: "decision_log", paths: [] }),
    async run(input) {
      const graph = await graphOf(options, "decision_log");
      switch (input.action) {
        case "create": {
          const { node, edges } = graph.addNode({
            type: input.type,
            title: input.title,
            body: input.body,
            status: input.status,
            confidence: input.confidence,
            files: input.files,
            parents: input.parents?.map((p) => ({
              ref: p.id,
              type: p.edge,
              rationale: p.rationale,
            })),
          });
          const lines = [
            `Logged ${nodeLine(node)}`,
            ...edges.map((e) => `  linked ${edgeLine(e)}`),
          ];
          const next = NEXT[node.type];
          if (next) lines.push(next.replace("#ID", `#${node.id}`));
          return written(input.action, lines, node, edges);
        }
        case "update": {
          const { id, action: _, ...patch } = input;
          if (Object.values(patch).every((v) => v === undefined)) {
            throw new LoomError(
              "INVALID_INPUT",
              `Cannot update node "${id}": nothing to change; give status, confidence, title, body or files`,
            );
          }
          const node = graph.updateNode(id, patch);
          return written(input.action, [`Updated ${nodeLine(node)}`], node);
        }
        case "link": {
          const edge = input.edge === "supersedes"
            ? graph.supersede(input.from, input.to, input.rationale)
            : graph.link(input.from, input.to, input.edge, input.rationale);
          return written(input.action, [`Linked ${edgeLine(edge)}`], undefined, [edge]);
        }
        case "unlink": {
          const removed = graph.unlink(input.from, input.to, input.edge);
          const what = `${removed} edge${removed === 1 ? "" : "s"}`;
          return {
            text: `Removed ${what} from #${graph.get(input.from).id} to #${graph.get(input.to).id}`,
            structured: { action: input.action, removed },
          };
        }
        case "supersede": {
          const edge = graph.supersede(input.id, input.by, input.rationale);
          const old = graph.get(edge.from);
          return written(
            input.action,
            [`Superseded ${nodeLine(old)} by #${edge.to}`],
            old,
            [edge],
          );
        }
      }
    },
  });
}

/** What to log next after each kind of node, so the chain stays complete. */
const NEXT: Partial<Record<GraphNode["type"], string>> = {
  goal: "Next: log the decision(s) it raises under #ID.",
  decision:
    "Next: log each option considered under #ID (edge chosen or rejected, with the reason).",
  action: "Next: when it finishes, log the outcome under #ID.",
  revisit: "Next: link the new approach from #ID and supersede the old one.",
};

function written(
  action: string,
  lines: string[],
  node?: GraphNode,
  edges?: GraphEdge[],
) {
  return {
    text: lines.join("\n"),
    structured: {
      action,
      ...(node ? { node: nodeJson(node) } : {}),
      ...(edges ? { edges: edges.map(edgeJson) } : {}),
    },
  };
}
