// Reads the zod config schema as data: what lives at a key, what a key allows, which keys exist.
import type { z } from "zod";

// zod 4 keeps its definition on `_zod.def`; these are the node kinds the config schema uses.
interface Def {
  type: string;
  innerType?: Node;
  shape?: Record<string, Node>;
  valueType?: Node;
  element?: Node;
  entries?: Record<string, string>;
  checks?: { _zod: { def: CheckDef } }[];
  format?: string;
}
interface CheckDef {
  check: string;
  value?: number;
  inclusive?: boolean;
  format?: string;
  minimum?: number;
}
/** A zod schema node, seen through its definition. */
export type Node = { _zod: { def: Def } };

const WRAPPERS = new Set(["optional", "default", "prefault", "nullable", "readonly", "catch"]);

/** The node with optional/default/prefault wrappers removed. */
export function unwrap(node: Node): Node {
  let current = node;
  while (WRAPPERS.has(current._zod.def.type) && current._zod.def.innerType) {
    current = current._zod.def.innerType;
  }
  return current;
}

/** Casts a zod schema to a walkable node. */
export function asNode(schema: z.ZodType): Node {
  return schema as unknown as Node;
}

/** The schema node found at `path` (numbers index arrays), or undefined when no such key exists. */
export function schemaAt(root: Node, path: readonly PropertyKey[]): Node | undefined {
  let node: Node | undefined = root;
  for (const key of path) {
    if (!node) return undefined;
    const def: Def = unwrap(node)._zod.def;
    if (def.type === "object" && typeof key === "string") node = def.shape?.[key];
    else if (def.type === "record") node = def.valueType;
    else if (def.type === "array" && typeof key === "number") node = def.element;
    else return undefined;
  }
  return node;
}

/** True for a plain table (not an array, date or null). */
export function isTable(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** What a key allows, in words: `one of "a", "b"`, `an integer from 1 to 600`, `true or false`. */
export function describeAllowed(node: Node | undefined): string {
  if (!node) return "a known key";
  const def = unwrap(node)._zod.def;
  const checks = (def.checks ?? []).map((check) => check._zod.def);
  switch (def.type) {
    case "boolean":
      return "true or false";
    case "enum":
      return "one of " + Object.values(def.entries ?? {}).map((v) => JSON.stringify(v)).join(", ");
    case "number": {
      const integer = checks.some((c) => c.check === "number_format" && /int/.test(c.format ?? ""));
      const noun = integer ? "an integer" : "a number";
      const min = checks.find((c) => c.check === "greater_than")?.value;
      const max = checks.find((c) => c.check === "less_than")?.value;
      if (min !== undefined && max !== undefined) return `${noun} from ${min} to ${max}`;
      if (min !== undefined) return `${noun} of at least ${min}`;
      if (max !== undefined) return `${noun} of at most ${max}`;
      return noun;
    }
    case "string": {
      if (checks.some((c) => c.format === "url")) return "a URL";
      if (checks.some((c) => c.check === "min_length" && (c.minimum ?? 0) > 0)) {
        return "a non-empty string";
      }
      return "a string";
    }
    case "array": {
      const element = def.element ? unwrap(def.element)._zod.def.type : "";
      return element === "string" ? "an array of strings" : "an array";
    }
    case "object":
    case "record":
      return "a table";
    default:
      return "a valid value";
  }
}

/** A value as a person would name it in an error: `"fast"`, `3`, `a table`, `missing`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return "an array";
  if (isTable(value)) return "a table";
  if (value instanceof Date || (typeof value === "object" && value !== null)) return "a date";
  return String(value);
}

/** A copy of `raw` without keys the schema does not know; `onUnknown` hears each dropped path. */
export function dropUnknownKeys(
  raw: Record<string, unknown>,
  root: Node,
  onUnknown: (path: string[]) => void,
  prefix: string[] = [],
): Record<string, unknown> {
  const def = unwrap(root)._zod.def;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    let child: Node | undefined;
    if (def.type === "object") child = def.shape?.[key];
    else if (def.type === "record") child = def.valueType;
    if (!child) {
      onUnknown([...prefix, key]);
      continue;
    }
    const childType = unwrap(child)._zod.def.type;
    const nested = isTable(value) && (childType === "object" || childType === "record");
    out[key] = nested ? dropUnknownKeys(value, child, onUnknown, [...prefix, key]) : value;
  }
  return out;
}

/** Every scalar (boolean, number, string, enum) key two levels down: `[["sandbox", "mode"], node]`. */
export function scalarKeys(root: Node): [string[], Node][] {
  const found: [string[], Node][] = [];
  const sections = unwrap(root)._zod.def.shape ?? {};
  for (const [section, sectionNode] of Object.entries(sections)) {
    const keys = unwrap(sectionNode)._zod.def.shape ?? {};
    for (const [key, node] of Object.entries(keys)) {
      const type = unwrap(node)._zod.def.type;
      if (["boolean", "number", "string", "enum"].includes(type)) {
        found.push([[section, key], node]);
      }
    }
  }
  return found;
}
