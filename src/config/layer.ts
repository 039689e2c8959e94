import { parse, TomlError } from "smol-toml";
import { LoomError } from "../core/mod.ts";
import { configSchema } from "./schema.ts";
import {
  asNode,
  describeAllowed,
  describeValue,
  dropUnknownKeys,
  isTable,
  schemaAt,
} from "./_schema_walk.ts";
import { keyOnLine, locateKey } from "./_toml_locate.ts";

/** One source's settings, unknown keys removed, validated, no defaults filled in. */
export type ConfigLayer = Record<string, unknown>;

const ROOT = asNode(configSchema);

/** Parses and validates one TOML config file; unknown keys become warnings (`file:line:column: ...`). */
export function parseConfigText(
  text: string,
  file: string,
): { layer: ConfigLayer; warnings: string[] } {
  let raw: Record<string, unknown>;
  try {
    raw = parse(text, { unsafeKeyBehaviour: "drop" }) as Record<string, unknown>;
  } catch (err) {
    if (!(err instanceof TomlError)) throw err;
    const reason = err.message.split("\n")[0].replace(/^Invalid TOML document:\s*/, "");
    const key = keyOnLine(text, err.line);
    throw new LoomError(
      "CONFIG",
      `Cannot load "${file}": TOML syntax error at line ${err.line}, column ${err.column}` +
        `${key ? ` (in ${key})` : ""}: ${reason}; fix the file`,
      { cause: err, details: { file, line: err.line, column: err.column, key } },
    );
  }
  const warnings: string[] = [];
  const layer = dropUnknownKeys(raw, ROOT, (path) => {
    const { line, column } = locateKey(text, path);
    warnings.push(`${file}:${line}:${column}: ignoring unknown key "${path.join(".")}"`);
  });
  checkLayer(layer, (key, path, allowed, got) => {
    const { line, column } = locateKey(text, path);
    return new LoomError(
      "CONFIG",
      `Cannot load "${file}": ${key} at line ${line}, column ${column} must be ${allowed}, ${got}`,
      { details: { file, line, column, key, allowed } },
    );
  });
  return { layer, warnings };
}

/** Validates a partial config given as an object (flags); unknown keys become warnings. */
export function parseConfigObject(
  value: Record<string, unknown>,
  origin: string,
): { layer: ConfigLayer; warnings: string[] } {
  const warnings: string[] = [];
  const layer = dropUnknownKeys(withoutUndefined(value), ROOT, (path) => {
    warnings.push(`${origin}: ignoring unknown key "${path.join(".")}"`);
  });
  checkLayer(
    layer,
    (key, _path, allowed, got) =>
      new LoomError("CONFIG", `Cannot use ${origin} "${key}": it must be ${allowed}, ${got}`, {
        details: { origin, key, allowed },
      }),
  );
  return { layer, warnings };
}

/** The dotted display form of a key path: `mcp.servers.github.url`, `permissions.allow[2]`. */
export function keyName(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (name, part) =>
      typeof part === "number"
        ? `${name}[${part}]`
        : name
        ? `${name}.${String(part)}`
        : String(part),
    "",
  );
}

type ErrorFactory = (
  key: string,
  path: readonly PropertyKey[],
  allowed: string,
  got: string,
) => LoomError;

function checkLayer(layer: ConfigLayer, makeError: ErrorFactory): void {
  const result = configSchema.safeParse(layer);
  if (result.success) return;
  const issue = result.error.issues[0];
  const path = issue.path;
  const value = valueAt(layer, path);
  const got = value === undefined ? "but it is missing" : `not ${describeValue(value)}`;
  throw makeError(keyName(path), path, describeAllowed(schemaAt(ROOT, path)), got);
}

function valueAt(layer: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = layer;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function withoutUndefined(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (child === undefined) continue;
    out[key] = isTable(child) ? withoutUndefined(child) : child;
  }
  return out;
}
