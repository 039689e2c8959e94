// Which parts of a project `.loom.toml` widen what Loom may do, and how to take them out.
import { isTable } from "./_schema_walk.ts";
import { locateKey } from "./_toml_locate.ts";
import type { ConfigLayer } from "./layer.ts";

/** A widening setting: where it lives in the layer and how to show it to a person. */
export interface WideningItem {
  path: string[];
  description: string;
}

const ENDPOINT_KEY = /(^|_)(url|endpoint)$/i;

/** Lists the settings that need trust: allow rules, auto-approve, servers, sandbox off, network, provider endpoints and keys, other endpoints. */
export function wideningInConfig(layer: ConfigLayer, text: string, file: string): WideningItem[] {
  const found: string[][] = [];
  const permissions = tableAt(layer, "permissions");
  if (Array.isArray(permissions.allow) && permissions.allow.length > 0) {
    found.push(["permissions", "allow"]);
  }
  if (permissions.auto_approve === true) found.push(["permissions", "auto_approve"]);
  for (const section of ["mcp", "lsp"]) {
    for (const name of Object.keys(tableAt(tableAt(layer, section), "servers"))) {
      found.push([section, "servers", name]);
    }
  }
  // A provider entry decides where prompts (and which secret variable) are sent.
  for (const [name, entry] of Object.entries(tableAt(layer, "providers"))) {
    if (isTable(entry) && ("base_url" in entry || "api_key_env" in entry)) {
      found.push(["providers", name]);
    }
  }
  const sandbox = tableAt(layer, "sandbox");
  if (sandbox.mode === "off") found.push(["sandbox", "mode"]);
  if (sandbox.network === true) found.push(["sandbox", "network"]);
  findEndpoints(layer, [], found);
  return found
    .map((path) => ({ path, line: locateKey(text, path).line }))
    .sort((a, b) => a.line - b.line)
    .map(({ path, line }) => ({
      path,
      description: `${file}:${line}: ${path.join(".")} = ${inline(valueAt(layer, path))}`,
    }));
}

/** A copy of `layer` without the values at `paths`. */
export function withoutPaths(layer: ConfigLayer, paths: readonly string[][]): ConfigLayer {
  const copy = structuredClone(layer);
  for (const path of paths) {
    const parent = valueAt(copy, path.slice(0, -1));
    if (isTable(parent)) delete parent[path[path.length - 1]];
  }
  return copy;
}

function findEndpoints(value: unknown, path: string[], found: string[][]): void {
  if (!isTable(value)) return;
  const covered = found.some((p) => p.length <= path.length && p.every((k, i) => k === path[i]));
  if (covered) return;
  for (const [key, child] of Object.entries(value)) {
    if (ENDPOINT_KEY.test(key) && typeof child === "string") found.push([...path, key]);
    else findEndpoints(child, [...path, key], found);
  }
}

function tableAt(value: unknown, key: string): Record<string, unknown> {
  const child = isTable(value) ? value[key] : undefined;
  return isTable(child) ? child : {};
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) current = isTable(current) ? current[key] : undefined;
  return current;
}

function inline(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(inline).join(", ")}]`;
  if (isTable(value)) {
    return `{ ${Object.entries(value).map(([k, v]) => `${k} = ${inline(v)}`).join(", ")} }`;
  }
  return String(value);
}
