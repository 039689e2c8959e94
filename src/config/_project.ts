// Reads what a project says about itself (.loom.toml, LOOM.md, AGENTS.md, CLAUDE.md) and what of it needs trust.
import { join } from "node:path";
import { LoomError, refuseSpecialFile } from "../core/mod.ts";
import type { ProjectRules } from "./rules_types.ts";
import type { ConfigLayer } from "./layer.ts";
import { loadProjectRules, readOptional } from "./rules.ts";
import { wideningInConfig } from "./_widening.ts";
import type { WideningItem } from "./_widening.ts";

/** Everything read from one project root. */
export interface ProjectAnalysis {
  /** The realpath of the root. */
  root: string;
  files: { path: string; kind: "project" | "rules" }[];
  layer: ConfigLayer;
  warnings: string[];
  rules: ProjectRules;
  /** Widening settings of `.loom.toml`, removable by path. */
  configWidening: WideningItem[];
  /** Every widening rule, in words, config first. */
  pending: string[];
  hash: string;
}

/** Reads and validates the project's own files; throws CONFIG for a bad `.loom.toml`. */
export async function analyseProject(
  root: string,
  options: { ignoreConfig?: boolean } = {},
): Promise<ProjectAnalysis> {
  const realRoot = await realRootOf(root);
  const files: ProjectAnalysis["files"] = [];
  const configPath = join(realRoot, ".loom.toml");
  const configText = options.ignoreConfig ? undefined : await readOptional(configPath);
  let layer: ConfigLayer = {};
  let warnings: string[] = [];
  let configWidening: WideningItem[] = [];
  if (configText !== undefined) {
    files.push({ path: configPath, kind: "project" });
    // The TOML parser and zod schema load only for a project that has a .loom.toml.
    const { parseConfigText } = await import("./layer.ts");
    ({ layer, warnings } = parseConfigText(configText, configPath));
    configWidening = wideningInConfig(layer, configText, ".loom.toml");
  }
  const loaded = await loadProjectRules(realRoot);
  for (const path of loaded.files) files.push({ path, kind: "rules" });
  const pending = [
    ...configWidening.map((item) => item.description),
    ...loaded.widening.map((w) => `${w.file}:${w.line}: ${w.text}`),
  ];
  return {
    root: realRoot,
    files,
    layer,
    warnings,
    rules: loaded.rules,
    configWidening,
    pending,
    hash: await projectHash(realRoot),
  };
}

/** SHA-256 (hex) over the project's `.loom.toml` and `LOOM.md`; changes when either changes. */
export async function projectHash(root: string): Promise<string> {
  const parts: string[] = [];
  for (const name of [".loom.toml", "LOOM.md"]) {
    let bytes: Uint8Array | undefined;
    try {
      refuseSpecialFile(join(root, name), "read");
      bytes = await Deno.readFile(join(root, name));
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
    parts.push(`${name}:${bytes ? await sha256Hex(bytes) : "absent"}`);
  }
  return sha256Hex(new TextEncoder().encode(parts.join("\n")));
}

/** The realpath of a project root; CONFIG when it is not a directory. */
export async function realRootOf(root: string): Promise<string> {
  try {
    const real = await Deno.realPath(root);
    if ((await Deno.stat(real)).isDirectory) return real;
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  throw new LoomError("CONFIG", `Cannot open project "${root}": no such directory`);
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
