import { join } from "node:path";
import type { ProjectRules } from "./rules_types.ts";
import type { DeepPartial, LoomConfig } from "./schema.ts";
import type { ConfigLayer } from "./layer.ts";
import { mergeLayers } from "./merge.ts";
import { readOptional } from "./rules.ts";
import { analyseProject } from "./_project.ts";
import { withoutPaths } from "./_widening.ts";
import { mayConfigure, plainDefaults } from "./_defaults.ts";
import { defaultTrustStorePath, evaluateTrust, readTrustStore } from "./trust.ts";
import type { TrustStatus } from "./trust.ts";

/** Where loadConfig looks, and what the process was given. */
export interface LoadConfigOptions {
  /** The project root. */
  root: string;
  /** The user's config base: `<home>/.loom/config.toml`, `<home>/.loom/trust.json`. */
  home: string;
  env: Record<string, string>;
  flags?: DeepPartial<LoomConfig>;
  trustStorePath?: string;
  /**
   * Read no config file (`~/.loom/config.toml`, `.loom.toml`): defaults, flags and environment
   * only. `loom doctor` checks the rest this way when a config file cannot be loaded.
   */
  ignoreConfigFiles?: boolean;
}

/** The effective configuration and where it came from. */
export interface LoadedConfig {
  config: LoomConfig;
  files: { path: string; kind: "user" | "project" | "rules" }[];
  warnings: string[];
  /** LOOM.md rules; widening ones are already removed when the project is not trusted. */
  rules: ProjectRules;
  trust: TrustStatus;
}

/** Merges defaults < user < project < env < flags, applies trust, and reads the project rules. */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  const files: LoadedConfig["files"] = [];
  const warnings: string[] = [];

  let user: ConfigLayer = {};
  const userPath = join(options.home, ".loom", "config.toml");
  const userText = options.ignoreConfigFiles ? undefined : await readOptional(userPath);
  if (userText !== undefined) {
    files.push({ path: userPath, kind: "user" });
    const { parseConfigText } = await import("./layer.ts");
    const parsed = parseConfigText(userText, userPath);
    user = parsed.layer;
    warnings.push(...parsed.warnings);
  }

  const project = await analyseProject(options.root, {
    ignoreConfig: options.ignoreConfigFiles,
  });
  files.push(...project.files);
  warnings.push(...project.warnings);
  for (const error of project.rules.errors) {
    warnings.push(`${error.file}:${error.line}: ${error.message}; mutating calls are denied`);
  }

  const storePath = options.trustStorePath ?? defaultTrustStorePath(options.home);
  const { store, problem } = await readTrustStore(storePath);
  if (problem) warnings.push(problem);
  const trust = evaluateTrust(store, project.root, project.hash, project.pending);
  let projectLayer = project.layer;
  const rules = project.rules;
  if (!trust.trusted) {
    projectLayer = withoutPaths(projectLayer, project.configWidening.map((item) => item.path));
    rules.shell = [];
    rules.fileWrite = [];
  }

  // Nothing to merge or validate: the zod schema is not even loaded.
  const config = files.some((f) => f.kind !== "rules") || options.flags || mayConfigure(options.env)
    ? await mergeConfig(user, projectLayer, options, warnings)
    : plainDefaults();
  return { config, files, warnings, rules, trust };
}

/** Validates env and flags and merges every layer over the defaults (precedence as above). */
async function mergeConfig(
  user: ConfigLayer,
  project: ConfigLayer,
  options: LoadConfigOptions,
  warnings: string[],
): Promise<LoomConfig> {
  const [{ configFromEnv }, { parseConfigObject }, { configSchema }] = await Promise.all([
    import("./env.ts"),
    import("./layer.ts"),
    import("./schema.ts"),
  ]);
  const env = configFromEnv(options.env);
  let flags: ConfigLayer = {};
  if (options.flags) {
    const parsed = parseConfigObject(options.flags as Record<string, unknown>, "flag");
    flags = parsed.layer;
    warnings.push(...parsed.warnings);
  }
  return configSchema.parse(mergeLayers(user, project, env, flags));
}
