import { LoomError } from "../core/mod.ts";
import { configSchema } from "./schema.ts";
import { asNode, describeAllowed, scalarKeys, unwrap } from "./_schema_walk.ts";
import type { ConfigLayer } from "./layer.ts";
import { keyName } from "./layer.ts";

const ROOT = asNode(configSchema);
/** Short names for the keys people set most. The long name wins when both are set. */
const ALIASES: Record<string, string> = { LOOM_MODEL: "LOOM_MODEL_DEFAULT" };

/** The variable name for a config key: `["sandbox", "mode"]` → `LOOM_SANDBOX_MODE`. */
export function envName(path: readonly string[]): string {
  return `LOOM_${path.join("_").toUpperCase()}`;
}

/** Reads `LOOM_<SECTION>_<KEY>` variables into a config layer; other LOOM_* names are ignored. */
export function configFromEnv(env: Record<string, string>): ConfigLayer {
  const layer: Record<string, Record<string, unknown>> = {};
  for (const [path, node] of scalarKeys(ROOT)) {
    const name = envName(path);
    const alias = Object.keys(ALIASES).find((short) => ALIASES[short] === name);
    const used = env[name] ? name : alias && env[alias] ? alias : undefined;
    if (!used) continue;
    const [section, key] = path;
    (layer[section] ??= {})[key] = coerce(env[used], used, path, node);
  }
  return layer;
}

function coerce(
  text: string,
  name: string,
  path: string[],
  node: Parameters<typeof unwrap>[0],
): unknown {
  const inner = unwrap(node);
  const type = inner._zod.def.type;
  let value: unknown = text;
  if (type === "boolean") {
    const lower = text.trim().toLowerCase();
    value = ["true", "1", "yes", "on"].includes(lower)
      ? true
      : ["false", "0", "no", "off"].includes(lower)
      ? false
      : undefined;
  } else if (type === "number") {
    value = /^\s*[+-]?\d+(\.\d+)?\s*$/.test(text) ? Number(text) : undefined;
  }
  const parsed = value === undefined
    ? undefined
    : (inner as unknown as { safeParse(v: unknown): { success: boolean } }).safeParse(value);
  if (!parsed?.success) {
    throw new LoomError(
      "CONFIG",
      `Cannot use ${name}=${JSON.stringify(text)}: ${keyName(path)} must be ${
        describeAllowed(node)
      }; fix or unset the variable`,
      { details: { variable: name, key: keyName(path), allowed: describeAllowed(node) } },
    );
  }
  return value;
}
