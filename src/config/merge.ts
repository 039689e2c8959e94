import { isTable } from "./_schema_walk.ts";
import type { ConfigLayer } from "./layer.ts";

/** Tables whose entries are replaced whole: a server defined twice is the later definition. */
const ATOMIC_ENTRIES = new Set(["mcp.servers", "lsp.servers"]);

/** Merges layers, later ones winning per key; tables merge deeply, arrays and server entries replace. */
export function mergeLayers(...layers: ConfigLayer[]): ConfigLayer {
  let merged: ConfigLayer = {};
  for (const layer of layers) merged = mergeInto(merged, layer, []);
  return merged;
}

function mergeInto(base: ConfigLayer, over: ConfigLayer, path: string[]): ConfigLayer {
  const out: ConfigLayer = { ...base };
  const atomic = ATOMIC_ENTRIES.has(path.join("."));
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const current = out[key];
    out[key] = !atomic && isTable(value) && isTable(current)
      ? mergeInto(current, value, [...path, key])
      : value;
  }
  return out;
}
