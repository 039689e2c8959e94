import type { ProjectRules } from "../config/rules_types.ts";
import { defaultConfig } from "../config/schema.ts";
import { readDenied } from "./engine.ts";
import { collectRules } from "./rules.ts";
import type { RuleSet } from "./rules.ts";
import type { PermissionEngine } from "./types.ts";

const compiled = new WeakMap<ProjectRules, RuleSet>();

/**
 * True when reading `rel` is denied, asking an engine (all deny rules) or bare project rules
 * (`File Read Denied:` only). File walkers use it to skip files.
 *
 * @example isReadDenied({ ...emptyRules(), fileReadDenied: ["*.pem"] }, "keys/a.pem") // true
 */
export function isReadDenied(
  source: PermissionEngine | ProjectRules,
  rel: string,
  tool = "file_read",
): boolean {
  if ("isReadDenied" in source) return source.isReadDenied(rel, tool);
  let set = compiled.get(source);
  if (!set) {
    set = collectRules(defaultConfig().permissions, source, {
      trusted: false,
      configSource: ".loom.toml",
    });
    compiled.set(source, set);
  }
  return readDenied(set, rel, tool);
}
