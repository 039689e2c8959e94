import type { DecisionGraph } from "../../graph/mod.ts";
import type { OpenedHost } from "../../tools/host.ts";
import { ErrorCode, McpError } from "./_sdk.ts";

const PREFIX = "loom://decisions/";
const NODE_PREFIX = `${PREFIX}node/`;
/** How often subscribed decision resources check the database for another process's commits. */
const POLL_MS = 250;
/** JSON-RPC error code MCP uses for an unknown resource (as in resources.ts). */
const NOT_FOUND = -32002;

/** The decision graph's fixed resources. */
export const DECISION_RESOURCES = [
  {
    uri: "loom://decisions/context",
    name: "decisions-context",
    title: "Decision context",
    description:
      "Active goals, open decisions, chosen and rejected options with reasons, recent outcomes: " +
      "the block Loom gives every model call",
    mimeType: "text/plain",
  },
  {
    uri: "loom://decisions/pulse",
    name: "decisions-pulse",
    title: "Decision graph pulse",
    description: "Counts, confidence, active goals, coverage gaps, orphans, stale items",
    mimeType: "text/plain",
  },
  {
    uri: "loom://decisions/narrative",
    name: "decisions-narrative",
    title: "Decision narrative",
    description: "A timeline of what happened and every pivot, with what was superseded",
    mimeType: "text/markdown",
  },
  {
    uri: "loom://decisions/graph",
    name: "decisions-graph",
    title: "Decision graph (JSON)",
    description: "Every node and edge in Loom's export format",
    mimeType: "application/json",
  },
];

/** The template for one node with its edges. */
export const DECISION_NODE_TEMPLATE = {
  uriTemplate: "loom://decisions/node/{id}",
  name: "decision-node",
  title: "Decision node",
  description: "One node of the decision graph with its incoming and outgoing edges (JSON)",
  mimeType: "application/json",
};

/** True for `loom://decisions/...` URIs. */
export function isDecisionUri(uri: string): boolean {
  return uri.startsWith(PREFIX);
}

/** Checks that `uri` names a decision resource (a node URI need not name an existing node). */
export function checkDecisionUri(uri: string): void {
  if (DECISION_RESOURCES.some((r) => r.uri === uri) || nodeRefOf(uri) !== null) return;
  throw new McpError(NOT_FOUND, `Cannot read "${uri}": no such resource`);
}

/** Reads a decision resource; unknown URIs and nodes are JSON-RPC errors. */
export async function readDecisionResource(
  opened: OpenedHost,
  uri: string,
): Promise<{ uri: string; mimeType: string; text: string }> {
  checkDecisionUri(uri);
  const graph = await openGraph(opened, uri);
  const g = await loadGraph();
  const config = opened.loaded.config;
  switch (uri) {
    case "loom://decisions/context": {
      const budgetTokens = config.context.max_decision_context_tokens;
      return {
        uri,
        mimeType: "text/plain",
        text: g.buildDecisionContext(graph, { budgetTokens }).text,
      };
    }
    case "loom://decisions/pulse": {
      const pulse = g.computePulse(graph, { staleDays: config.graph.stale_days });
      return { uri, mimeType: "text/plain", text: g.renderPulse(pulse) };
    }
    case "loom://decisions/narrative":
      return { uri, mimeType: "text/markdown", text: g.buildNarrative(graph).markdown };
    case "loom://decisions/graph":
      return {
        uri,
        mimeType: "application/json",
        text: JSON.stringify(g.exportGraph(graph), null, 2),
      };
  }
  const ref = nodeRefOf(uri)!;
  const node = graph.find(ref);
  if (!node) throw new McpError(NOT_FOUND, `Cannot read "${uri}": no node has the id "${ref}"`);
  const detail = graph.detail(node.id);
  return { uri, mimeType: "application/json", text: JSON.stringify(detail, null, 2) };
}

/**
 * Subscriptions to decision resources. Writes through this process notify at once (the graph's
 * onChange); writes by another process on the same database (the CLI, a REPL) are seen by
 * polling `PRAGMA data_version` (one cheap statement) while anything is subscribed.
 */
export class DecisionSubscriptions {
  #notify: (uri: string) => void;
  #uris = new Set<string>();
  #graph: DecisionGraph | undefined;
  #last = "";
  #timer: ReturnType<typeof setInterval> | undefined;
  #off: (() => void) | undefined;
  #queued = false;

  constructor(notify: (uri: string) => void) {
    this.#notify = notify;
  }

  /** Starts watching the graph for `uri` (opening it if needed); subscribing twice is one watch. */
  async subscribe(opened: OpenedHost, uri: string): Promise<void> {
    checkDecisionUri(uri);
    const graph = await openGraph(opened, uri);
    this.#uris.add(uri);
    if (this.#graph === graph && this.#timer !== undefined) return;
    this.#stop();
    this.#graph = graph;
    this.#last = graph.revision();
    this.#off = graph.onChange(() => this.#queue());
    const timer = setInterval(() => this.#check(), POLL_MS);
    Deno.unrefTimer(timer); // The poll never keeps the process alive.
    this.#timer = timer;
  }

  /** Stops watching `uri`; the poll stops with the last subscription. */
  unsubscribe(uri: string): void {
    this.#uris.delete(uri);
    if (this.#uris.size === 0) this.#stop();
  }

  /** Stops everything. */
  close(): void {
    this.#uris.clear();
    this.#stop();
  }

  #queue(): void {
    // A burst of writes in one call (a node and its edges) gives one notification.
    if (this.#queued) return;
    this.#queued = true;
    queueMicrotask(() => {
      this.#queued = false;
      this.#check();
    });
  }

  #check(): void {
    if (!this.#graph || this.#uris.size === 0) return;
    let revision: string;
    try {
      revision = this.#graph.revision();
    } catch {
      return; // The database was closed under us: nothing more to see.
    }
    if (revision === this.#last) return;
    this.#last = revision;
    for (const uri of this.#uris) this.#notify(uri);
  }

  #stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#off?.();
    this.#off = undefined;
    this.#graph = undefined;
  }
}

/** Active goals and rejected options (with why) for the loom-start prompt; empty when none. */
export async function decisionBriefing(opened: OpenedHost): Promise<string> {
  let graph: DecisionGraph;
  try {
    graph = await opened.graph();
  } catch {
    return ""; // The prompt still works on a project whose database cannot open.
  }
  const { listNodes } = await loadGraph();
  const goals = listNodes(graph, { type: "goal", status: ["active", "pending"], limit: 10 });
  const rejected = listNodes(graph, { type: ["option", "action"], status: "rejected", limit: 10 });
  if (goals.length === 0 && rejected.length === 0) return "";
  const lines = ["## Decision graph", ""];
  if (goals.length > 0) {
    lines.push("Active goals:");
    for (const g of goals) lines.push(`- #${g.id} "${g.title}" [${g.status}]`);
  }
  if (rejected.length > 0) {
    if (goals.length > 0) lines.push("");
    lines.push("Rejected options (do not retry without new evidence):");
    for (const r of rejected) {
      const edge = graph.detail(r.id).incoming.find((i) => i.edge.type === "rejected");
      const why = edge?.edge.rationale ?? (r.body.split("\n")[0] || "no reason recorded");
      const under = edge ? ` for #${edge.node.id} "${edge.node.title}"` : "";
      lines.push(`- #${r.id} ${r.type} "${r.title}"${under}: ${why}`);
    }
  }
  lines.push(
    "",
    "Query it with decision_query; log new goals, decisions, options, actions and outcomes " +
      "with decision_log as you work.",
  );
  return lines.join("\n");
}

/** The pulse as a prompt: the report plus what to do about its gaps. */
export async function pulsePromptText(opened: OpenedHost): Promise<string> {
  const graph = await openGraph(opened, "loom-pulse");
  const g = await loadGraph();
  const pulse = g.computePulse(graph, { staleDays: opened.loaded.config.graph.stale_days });
  return [
    "Here is the pulse of this project's decision graph:",
    "",
    g.renderPulse(pulse).trim(),
    "",
    g.hasGaps(pulse) || pulse.orphans.count + pulse.stale.count > 0
      ? "Review it with me: for each gap, orphan or stale item, say what is missing, look it up " +
        "with decision_query (view node) and, where you know the answer, record it with " +
        "decision_log (outcomes of finished actions, options considered, statuses of finished " +
        "or abandoned work)."
      : "There are no gaps. Summarise where the active goals stand and what is uncertain.",
  ].join("\n");
}

async function openGraph(opened: OpenedHost, what: string): Promise<DecisionGraph> {
  try {
    return await opened.graph();
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new McpError(ErrorCode.InternalError, `${why} (needed for "${what}")`);
  }
}

function nodeRefOf(uri: string): string | null {
  if (!uri.startsWith(NODE_PREFIX)) return null;
  let ref: string;
  try {
    ref = decodeURIComponent(uri.slice(NODE_PREFIX.length));
  } catch {
    return null;
  }
  return /^#?\d+$|^[0-9a-f-]{4,36}$/i.test(ref) ? ref : null;
}

/** The decision graph module, loaded on first use by a computed specifier (see serve.ts). */
function loadGraph(): Promise<typeof import("../../graph/mod.ts")> {
  return import(new URL("../../graph/mod.ts", import.meta.url).href);
}
