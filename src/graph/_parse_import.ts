import { LoomError } from "../core/mod.ts";
import {
  checkBody,
  checkConfidence,
  checkFiles,
  checkRationale,
  checkTitle,
  edgeProblem,
  parseEdgeType,
  parseNodeType,
  parseStatus,
} from "./model.ts";
import { LOOM_FORMAT } from "./export.ts";
import type { EdgeType, GraphNode } from "./types.ts";

/** A node ready to insert; `key` is its id in the file, `id` the one to keep (if any). */
export interface ImportNode extends Omit<GraphNode, "id"> {
  key: number | string;
  id: number | null;
}

/** An edge ready to insert, between two nodes of the file (by change id). */
export interface ImportEdge {
  /** The edge's id in a Loom file (kept when importing into an empty graph). */
  id: number | null;
  from: string;
  to: string;
  type: EdgeType;
  rationale: string | null;
  createdAt: number;
}

/** A whole file, validated. */
export interface ParsedImport {
  format: "loom" | "deciduous";
  nodes: ImportNode[];
  edges: ImportEdge[];
  /** Deciduous edges whose type made no sense for their ends, imported as leads_to. */
  coerced: number;
}

type Obj = Record<string, unknown>;

/** Validates a Loom or Deciduous export; every problem names where it is (`nodes[3].type`). */
export function parseImport(data: unknown, source: string): ParsedImport {
  const fail = (where: string, why: string): never => {
    throw new LoomError("INVALID_INPUT", `Cannot import "${source}": ${where}: ${why}`);
  };
  if (!isObj(data) || !Array.isArray(data.nodes)) {
    return fail("the top level", 'not a Loom or Deciduous graph export (no "nodes" array)');
  }
  const edges = data.edges ?? [];
  if (!Array.isArray(edges)) return fail("edges", "must be an array");
  const deciduous = data.format !== LOOM_FORMAT;
  if (!deciduous && data.version !== 1) {
    return fail("version", `${JSON.stringify(data.version)} is not a version this Loom reads (1)`);
  }
  if (deciduous && data.format !== undefined) {
    return fail("format", `${JSON.stringify(data.format)} is not "${LOOM_FORMAT}"`);
  }
  const at = <T>(where: string, fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      if (err instanceof LoomError) return fail(where, err.message.replace(/^Cannot [^:]*: /, ""));
      throw err;
    }
  };

  const nodes: ImportNode[] = [];
  const byKey = new Map<number | string, ImportNode>();
  const byChange = new Map<string, ImportNode>();
  data.nodes.forEach((raw: unknown, i: number) => {
    const where = `nodes[${i}]`;
    if (!isObj(raw)) return fail(where, "must be an object");
    const meta = deciduous ? metadata(raw.metadata_json, `${where}.metadata_json`, fail) : raw;
    const key = raw.id;
    if (typeof key !== "number" && typeof key !== "string") {
      return fail(`${where}.id`, "must be a number or string");
    }
    const changeId = str(raw.change_id) ?? (deciduous ? crypto.randomUUID() : null);
    if (!changeId) return fail(`${where}.change_id`, "must be a non-empty string");
    if (byChange.has(changeId)) return fail(`${where}.change_id`, `"${changeId}" appears twice`);
    if (byKey.has(key)) return fail(`${where}.id`, `${JSON.stringify(key)} appears twice`);
    const rawStatus = String(raw.status ?? "pending");
    const title = at(`${where}.title`, () => checkTitle(String(raw.title ?? "")));
    const node: ImportNode = {
      key,
      id: !deciduous && Number.isInteger(key) && (key as number) > 0 ? key as number : null,
      changeId,
      type: at(`${where}.type`, () => parseNodeType(String(deciduous ? raw.node_type : raw.type))),
      title,
      body: at(
        `${where}.body`,
        () => checkBody(String((deciduous ? raw.description : raw.body) ?? ""), title),
      ),
      status: deciduous && !isStatus(rawStatus)
        ? "pending"
        : at(`${where}.status`, () => parseStatus(rawStatus)),
      confidence: at(`${where}.confidence`, () => confidence(meta.confidence, deciduous)),
      files: at(`${where}.files`, () => checkFiles(stringList(meta.files, `${where}.files`, fail))),
      branch: str(meta.branch),
      commit: str(meta.commit),
      sessionId: str(deciduous ? meta.session_id : raw.session_id),
      createdAt: time(raw.created_at, `${where}.created_at`, fail),
      updatedAt: time(raw.updated_at ?? raw.created_at, `${where}.updated_at`, fail),
    };
    byChange.set(changeId, node);
    byKey.set(key, node);
    nodes.push(node);
  });

  let coerced = 0;
  const seenEdge = new Set<string>();
  const parsedEdges: ImportEdge[] = [];
  edges.forEach((raw: unknown, i: number) => {
    const where = `edges[${i}]`;
    if (!isObj(raw)) return fail(where, "must be an object");
    const endpoint = (keyName: string, changeName: string) => {
      const viaKey = byKey.get(raw[keyName] as number | string);
      if (viaKey) return viaKey;
      const change = str(raw[changeName]);
      const viaChange = change ? byChange.get(change) : undefined;
      return viaChange ??
        fail(`${where}.${keyName}`, `${JSON.stringify(raw[keyName])} is not a node in the file`);
    };
    const from = endpoint(deciduous ? "from_node_id" : "from", "from_change_id");
    const to = endpoint(deciduous ? "to_node_id" : "to", "to_change_id");
    if (from === to) return fail(where, "an edge cannot join a node to itself");
    let type = at(
      `${where}.type`,
      () => parseEdgeType(String(deciduous ? raw.edge_type : raw.type)),
    );
    const problem = edgeProblem(type, from.type, to.type);
    if (problem && deciduous) {
      type = "leads_to";
      coerced++;
    } else if (problem) return fail(`${where}.type`, problem);
    const dedupe = `${from.changeId}>${to.changeId}>${type}`;
    if (seenEdge.has(dedupe)) return;
    seenEdge.add(dedupe);
    parsedEdges.push({
      id: !deciduous && Number.isInteger(raw.id) && (raw.id as number) > 0
        ? raw.id as number
        : null,
      from: from.changeId,
      to: to.changeId,
      type,
      rationale: at(`${where}.rationale`, () => checkRationale(str(raw.rationale))),
      createdAt: time(raw.created_at ?? from.createdAt, `${where}.created_at`, fail),
    });
  });
  return { format: deciduous ? "deciduous" : "loom", nodes, edges: parsedEdges, coerced };
}

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | null {
  return typeof v === "string" && v.length > 0 ? v : null;
}

function isStatus(s: string): boolean {
  try {
    parseStatus(s);
    return true;
  } catch {
    return false;
  }
}

function confidence(v: unknown, lenient: boolean): number | null {
  if (v === null || v === undefined) return null;
  if (lenient && typeof v === "number") return Math.max(0, Math.min(100, Math.round(v)));
  return checkConfidence(v as number);
}

function stringList(v: unknown, where: string, fail: (w: string, why: string) => never): string[] {
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v) || v.some((f) => typeof f !== "string")) {
    return fail(where, "must be an array of strings");
  }
  return v;
}

function metadata(v: unknown, where: string, fail: (w: string, why: string) => never): Obj {
  if (v === null || v === undefined || v === "") return {};
  if (isObj(v)) return v;
  try {
    const parsed = JSON.parse(String(v));
    return isObj(parsed) ? parsed : {};
  } catch {
    return fail(where, "is not valid JSON");
  }
}

/** Accepts ISO 8601, SQLite's `YYYY-MM-DD HH:MM:SS[.fff]` (UTC) and epoch milliseconds. */
function time(v: unknown, where: string, fail: (w: string, why: string) => never): number {
  if (typeof v === "number" && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === "string") {
    if (v.endsWith("Z")) {
      const fast = Date.parse(v);
      if (Number.isFinite(fast)) return fast;
    }
    let text = v.trim().replace(" ", "T");
    if (/T\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(text)) text += "Z";
    text = text.replace(/(\.\d{3})\d+/, "$1");
    const ms = Date.parse(text);
    if (Number.isFinite(ms)) return ms;
  }
  return fail(where, `${JSON.stringify(v)} is not a date`);
}
