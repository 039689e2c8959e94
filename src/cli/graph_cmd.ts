import { isLoomError, LoomError } from "../core/mod.ts";
import type { ProcessRunner } from "../core/mod.ts";
import { openProjectGraph } from "../graph/project.ts";
import { buildDecisionContext } from "../graph/context.ts";
import type { DecisionGraph, EdgeType } from "../graph/mod.ts";
import { parseGraphArgs, resolvePath } from "./_graph_args.ts";
import type { OptionSpec } from "./_graph_args.ts";
import { readGraphSettings } from "./_graph_settings.ts";
import { safeText } from "../core/safe_text.ts";
import { realProjectRoot } from "../workspace/project_root.ts";

type GraphModule = typeof import("../graph/mod.ts");
type RenderModule = typeof import("./_graph_render.ts");

/**
 * Loads a module when a subcommand needs it. The specifier is computed on purpose (see main.ts's
 * `load`): `loom graph context` then starts with only the store, context and settings modules.
 */
function load<T>(path: string): Promise<T> {
  return import(new URL(path, import.meta.url).href);
}

/** What `loom graph` needs from the composition root. */
export interface GraphCommandOptions {
  /** Arguments after `graph` (global flags such as --project may be among them). */
  argv: string[];
  cwd: string;
  home: string;
  /** The process environment: `LOOM_DB_PATH` and `LOOM_*` config variables are read from it. */
  env: Record<string, string>;
  /** Runs git to stamp new nodes with branch and commit (made only for commands that add nodes). */
  runner?: () => Promise<ProcessRunner>;
  out: (text: string) => void;
  err: (text: string) => void;
}

const OPTIONS: Record<string, OptionSpec> = {
  project: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  yes: { type: "boolean" },
  body: { type: "string" },
  confidence: { type: "string" },
  parent: { type: "string", multiple: true },
  edge: { type: "string" },
  rationale: { type: "string" },
  file: { type: "string", multiple: true },
  type: { type: "string" },
  status: { type: "string" },
  search: { type: "string" },
  limit: { type: "string" },
  budget: { type: "string" },
  format: { type: "string" },
  "fail-on": { type: "string" },
};

/** The flags `loom graph` understands, as parsed. */
interface GraphFlags {
  project?: string;
  json?: boolean;
  help?: boolean;
  body?: string;
  confidence?: string;
  parent?: string[];
  edge?: string;
  rationale?: string;
  file?: string[];
  type?: string;
  status?: string;
  search?: string;
  limit?: string;
  budget?: string;
  format?: string;
  "fail-on"?: string;
}

/** When argv runs `loom graph ...` (global flags may come first), the arguments after `graph`. */
export function graphArgv(argv: string[]): string[] | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--project") i++;
    else if (!arg.startsWith("-")) {
      return arg === "graph" ? [...argv.slice(0, i), ...argv.slice(i + 1)] : undefined;
    }
  }
  return undefined;
}

const usage = (message: string) => new LoomError("USAGE", `${message}; see 'loom graph --help'`);

/** `loom graph SUBCOMMAND ...`: the decision graph from the terminal. Returns the exit code. */
export async function runGraphCommand(options: GraphCommandOptions): Promise<number> {
  let json = options.argv.includes("--json");
  try {
    let parsed;
    try {
      parsed = parseGraphArgs(options.argv, OPTIONS);
    } catch (e) {
      throw usage(`Cannot parse the command line: ${(e as Error).message.replace(/\.$/, "")}`);
    }
    const values = parsed.values as GraphFlags;
    const { positionals } = parsed;
    json = values.json ?? false;
    const [sub, ...rest] = positionals;
    if (values.help || sub === undefined || sub === "help") {
      options.out((await load<typeof import("./help.ts")>("./help.ts")).COMMAND_HELP.graph);
      return sub === undefined && !values.help ? 2 : 0;
    }
    const root = resolvePath(options.cwd, values.project ?? ".");
    // The database may create `.loom/` in an existing project, never the project itself.
    await realProjectRoot(root);
    const writes = sub === "add" || sub === "import";
    using project = await openProjectGraph({
      root,
      env: options.env,
      runner: writes ? await options.runner?.() : undefined,
    });
    const graph = project.graph;
    // Node titles and bodies are untrusted: the human text shows their control characters.
    const print = (text: string, data: unknown) =>
      options.out(json ? JSON.stringify(data, null, 2) + "\n" : safeText(text));
    // Read only by the commands that need them, to keep `loom graph context` quick to start.
    const settings = () => readGraphSettings(root, options.home, options.env);
    if (sub === "context") {
      noExtra(rest, "context");
      const budget = intFlag("--budget", values.budget) ?? (await settings()).budget;
      const context = buildDecisionContext(graph, { budgetTokens: budget });
      print(context.text + "\n", context);
      return 0;
    }
    // The other subcommands load the rest of the graph code and the renderers.
    const [g, r] = await Promise.all([
      load<GraphModule>("../graph/mod.ts"),
      load<RenderModule>("./_graph_render.ts"),
    ]);

    switch (sub) {
      case "add": {
        const [type, title, ...extra] = rest;
        if (!type || title === undefined || extra.length) {
          throw usage(`Cannot add a node: expected 'loom graph add TYPE "title"'`);
        }
        const edge = values.edge === undefined
          ? undefined
          : asUsage(() => g.parseEdgeType(values.edge!));
        const result = graph.addNode({
          type: asUsage(() => g.parseNodeType(type)),
          title,
          body: values.body,
          confidence: confidenceFlag(values.confidence),
          status: values.status === undefined
            ? undefined
            : asUsage(() => g.parseStatus(values.status!)),
          files: values.file,
          parents: (values.parent ?? []).map((ref) => ({
            ref,
            type: edge,
            rationale: values.rationale,
          })),
        });
        print(r.renderAdded(result.node, result.edges), result);
        return 0;
      }
      case "link": {
        const [from, to, type, ...extra] = rest;
        if (!from || !to || !type || extra.length) {
          throw usage("Cannot link: expected 'loom graph link FROM TO TYPE'");
        }
        const edgeType = asUsage(() => g.parseEdgeType(type));
        const edge = edgeType === "supersedes"
          ? graph.supersede(from, to, values.rationale)
          : graph.link(from, to, edgeType, values.rationale);
        print(`Linked #${edge.from} → #${edge.to} (${edge.type})\n`, edge);
        return 0;
      }
      case "unlink": {
        const [from, to, type, ...extra] = rest;
        if (!from || !to || extra.length) {
          throw usage("Cannot unlink: expected 'loom graph unlink FROM TO [TYPE]'");
        }
        const edgeType: EdgeType | undefined = type
          ? asUsage(() => g.parseEdgeType(type))
          : undefined;
        const removed = graph.unlink(from, to, edgeType);
        print(`Removed ${removed} edge${removed === 1 ? "" : "s"}\n`, { removed });
        return 0;
      }
      case "status": {
        const [ref, status, ...extra] = rest;
        if (!ref || !status || extra.length) {
          throw usage("Cannot set a status: expected 'loom graph status ID STATUS'");
        }
        const node = graph.setStatus(ref, asUsage(() => g.parseStatus(status)));
        print(`#${node.id} ${node.type} "${node.title}" is now ${node.status}\n`, node);
        return 0;
      }
      case "show": {
        if (rest.length !== 1) throw usage("Cannot show a node: expected 'loom graph show ID'");
        const detail = graph.detail(rest[0]);
        print(r.renderDetail(detail), detail);
        return 0;
      }
      case "list": {
        noExtra(rest, "list");
        const nodes = g.listNodes(graph, {
          type: values.type === undefined
            ? undefined
            : asUsage(() => g.parseNodeType(values.type!)),
          status: values.status === undefined
            ? undefined
            : asUsage(() => g.parseStatus(values.status!)),
          search: values.search,
          limit: intFlag("--limit", values.limit, 1) ?? 50,
        });
        print(r.renderList(nodes), nodes);
        return 0;
      }
      case "pulse": {
        noExtra(rest, "pulse");
        const failOn = values["fail-on"];
        if (failOn !== undefined && failOn !== "gaps") {
          throw usage(`Cannot use --fail-on ${failOn}: the only check is 'gaps'`);
        }
        const pulse = g.computePulse(graph, { staleDays: (await settings()).staleDays });
        print(g.renderPulse(pulse), pulse);
        return failOn === "gaps" && g.hasGaps(pulse) ? 1 : 0;
      }
      case "narrative": {
        noExtra(rest, "narrative");
        const narrative = g.buildNarrative(graph, { limit: intFlag("--limit", values.limit) });
        print(narrative.markdown, narrative);
        return 0;
      }
      case "export":
        noExtra(rest, "export");
        options.out(exportAs(g, graph, values.format ?? "json"));
        return 0;
      case "import": {
        if (rest.length !== 1) throw usage("Cannot import: expected 'loom graph import FILE'");
        const result = g.importGraph(
          graph,
          await readJson(resolvePath(options.cwd, rest[0]), rest[0]),
          {
            source: rest[0],
          },
        );
        print(r.renderImport(result, rest[0]), result);
        return 0;
      }
      default:
        throw usage(`Cannot run "loom graph ${sub}": no such subcommand`);
    }
  } catch (e) {
    if (!isLoomError(e)) throw e;
    if (json) options.out(JSON.stringify({ error: { code: e.code, message: e.message } }) + "\n");
    options.err(safeText(e.message) + "\n");
    return e.code === "USAGE" ? 2 : 1;
  }
}

function exportAs(g: GraphModule, graph: DecisionGraph, format: string): string {
  if (format === "json") return JSON.stringify(g.exportGraph(graph), null, 2) + "\n";
  if (format === "dot") return g.toDot(graph);
  if (format === "mermaid") return g.toMermaid(graph);
  throw usage(`Cannot export as "${format}": use json, dot or mermaid`);
}

async function readJson(path: string, shown: string): Promise<unknown> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (cause) {
    const why = cause instanceof Deno.errors.NotFound
      ? "no such file"
      : cause instanceof Deno.errors.IsADirectory
      ? "it is a directory; give a JSON file"
      : (cause as Error).message;
    throw new LoomError("NOT_FOUND", `Cannot import "${shown}": ${why}`, { cause });
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new LoomError(
      "INVALID_INPUT",
      `Cannot import "${shown}": not valid JSON (${
        (cause as Error).message
      }); nothing was imported`,
      { cause },
    );
  }
}

function asUsage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isLoomError(e, "INVALID_INPUT")) throw new LoomError("USAGE", e.message);
    throw e;
  }
}

function noExtra(rest: string[], sub: string): void {
  if (rest.length) throw usage(`Cannot run "loom graph ${sub}": unexpected "${rest[0]}"`);
}

function intFlag(name: string, value: string | undefined, min = 0): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min) {
    throw usage(`Cannot use ${name} ${value}: give a whole number${min ? ` from ${min}` : ""}`);
  }
  return Number(value);
}

function confidenceFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^-?\d+(\.\d+)?$/.test(value) || !Number.isInteger(n) || n < 0 || n > 100) {
    throw new LoomError(
      "USAGE",
      `Cannot use confidence ${value}: it must be a whole number from 0 to 100`,
    );
  }
  return n;
}
