import { LoomError } from "../core/mod.ts";
import { EDGE_TYPES, NODE_STATUSES, NODE_TYPES } from "./types.ts";
import type { EdgeType, NodeStatus, NodeType } from "./types.ts";

/** Longest title accepted, in characters. */
export const MAX_TITLE_CHARS = 300;
/** Longest body accepted, in characters (bigger notes belong in a file listed in `files`). */
export const MAX_BODY_CHARS = 20_000;
/** Longest edge rationale accepted, in characters. */
export const MAX_RATIONALE_CHARS = 2_000;
/** Most files one node may list. */
export const MAX_FILES = 100;

/** The status a new node gets when none is given. */
export const DEFAULT_STATUS: Record<NodeType, NodeStatus> = {
  goal: "active",
  decision: "pending",
  option: "pending",
  action: "active",
  outcome: "completed",
  observation: "completed",
  revisit: "active",
};

const ANY: readonly NodeType[] = NODE_TYPES;
const WORK: readonly NodeType[] = ["goal", "decision", "option", "action"];

/** Which node types each edge type may join: `from` → `to`. */
export const EDGE_RULES: Record<EdgeType, { from: readonly NodeType[]; to: readonly NodeType[] }> =
  {
    leads_to: { from: ANY, to: ANY },
    chosen: { from: ["decision", "revisit"], to: ["option", "action"] },
    rejected: { from: ["decision", "revisit"], to: ["option", "action"] },
    requires: { from: WORK, to: WORK },
    blocks: { from: ["decision", "option", "action", "outcome", "observation"], to: WORK },
    enables: { from: ["decision", "option", "action", "outcome", "observation"], to: WORK },
    supersedes: { from: WORK, to: [...WORK, "revisit"] },
  };

/** Checks a node type, naming the allowed ones when wrong. */
export function parseNodeType(value: string): NodeType {
  if ((NODE_TYPES as readonly string[]).includes(value)) return value as NodeType;
  throw new LoomError(
    "INVALID_INPUT",
    `Cannot use node type "${value}": unknown type; use one of ${NODE_TYPES.join(", ")}`,
  );
}

/** Checks a status, naming the allowed ones when wrong. */
export function parseStatus(value: string): NodeStatus {
  if ((NODE_STATUSES as readonly string[]).includes(value)) return value as NodeStatus;
  throw new LoomError(
    "INVALID_INPUT",
    `Cannot use status "${value}": unknown status; use one of ${NODE_STATUSES.join(", ")}`,
  );
}

/** Checks an edge type, naming the allowed ones when wrong. */
export function parseEdgeType(value: string): EdgeType {
  if ((EDGE_TYPES as readonly string[]).includes(value)) return value as EdgeType;
  throw new LoomError(
    "INVALID_INPUT",
    `Cannot use edge type "${value}": unknown type; use one of ${EDGE_TYPES.join(", ")}`,
  );
}

/** Trims a title and refuses an empty or overlong one. */
export function checkTitle(title: string): string {
  const trimmed = title.trim().replace(/\s+/g, " ");
  if (trimmed.length === 0) {
    throw new LoomError("INVALID_INPUT", `Cannot save a node: the title is empty; give a title`);
  }
  if (trimmed.length > MAX_TITLE_CHARS) {
    throw new LoomError(
      "INVALID_INPUT",
      `Cannot save "${
        trimmed.slice(0, 40)
      }…": the title has ${trimmed.length} characters, over the ${MAX_TITLE_CHARS} limit; put the detail in the body`,
    );
  }
  return trimmed;
}

/** Refuses a body over the cap. */
export function checkBody(body: string, title = "the node"): string {
  if (body.length > MAX_BODY_CHARS) {
    throw new LoomError(
      "TOO_LARGE",
      `Cannot save "${title}": the body has ${body.length} characters, over the ${MAX_BODY_CHARS} limit; summarise it and list the files holding the detail`,
    );
  }
  return body;
}

/** Refuses a confidence that is not a whole number from 0 to 100. */
export function checkConfidence(value: number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isInteger(value) || value < 0 || value > 100) {
    throw new LoomError(
      "INVALID_INPUT",
      `Cannot use confidence ${value}: it must be a whole number from 0 to 100`,
    );
  }
  return value;
}

/** Refuses too many or empty file entries. */
export function checkFiles(files: string[] | undefined): string[] {
  if (!files) return [];
  const clean = files.map((f) => f.trim()).filter((f) => f.length > 0);
  if (clean.length > MAX_FILES) {
    throw new LoomError(
      "INVALID_INPUT",
      `Cannot save ${clean.length} files on one node: the limit is ${MAX_FILES}`,
    );
  }
  return clean;
}

/** Refuses an overlong rationale. */
export function checkRationale(rationale: string | null | undefined): string | null {
  if (rationale === null || rationale === undefined) return null;
  const trimmed = rationale.trim();
  if (trimmed.length > MAX_RATIONALE_CHARS) {
    throw new LoomError(
      "TOO_LARGE",
      `Cannot save the rationale: it has ${trimmed.length} characters, over the ${MAX_RATIONALE_CHARS} limit`,
    );
  }
  return trimmed.length > 0 ? trimmed : null;
}

/** Returns a sentence saying why `from -type-> to` makes no sense, or null when it is allowed. */
export function edgeProblem(type: EdgeType, from: NodeType, to: NodeType): string | null {
  const rule = EDGE_RULES[type];
  if (rule.from.includes(from) && rule.to.includes(to)) return null;
  return `a ${type} edge goes from ${article(rule.from)} to ${
    article(rule.to)
  }, not from ${from} to ${to}`;
}

function article(types: readonly NodeType[]): string {
  if (types.length === NODE_TYPES.length) return "any node";
  const words = types.map((t) => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`));
  return words.length === 1 ? words[0] : `${words.slice(0, -1).join(", ")} or ${words.at(-1)}`;
}
