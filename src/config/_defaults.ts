// The defaults of the config schema as plain data, so that a project with no config file, no
// LOOM_* setting and no flags starts without building or running the zod schema (a few ms).
import type { LoomConfig } from "./schema.ts";

/** Top-level sections: a `LOOM_<SECTION>_<KEY>` variable can only set a key of one of them. */
const SECTIONS = ["model", "permissions", "context", "mcp", "lsp", "repo", "sandbox"]
  .concat(["graph", "files", "shell", "providers", "models"]);

/** `configSchema.parse({})`, written out (schema_test.ts keeps the two equal). */
export function plainDefaults(): LoomConfig {
  return {
    model: { default: "anthropic:claude-sonnet-4-6" },
    permissions: { auto_approve: false, allow: [], ask: [], deny: [] },
    context: {
      max_repo_map_tokens: 2048,
      max_decision_context_tokens: 1024,
      reserved_output_tokens: 8192,
      reasoning_output_tokens: 32_000,
    },
    mcp: { server_enabled: true, servers: {} },
    lsp: { enabled: true, servers: {} },
    repo: { watch_enabled: true },
    sandbox: { mode: "auto", network: false },
    graph: { stale_days: 14 },
    files: { fsync: false },
    shell: { timeout_seconds: 120 },
    providers: {},
    models: {},
  };
}

/** True when `env` may hold a config setting (LOOM_MODEL or LOOM_<SECTION>_...); a superset. */
export function mayConfigure(env: Record<string, string>): boolean {
  return Object.keys(env).some((name) =>
    name === "LOOM_MODEL" ||
    SECTIONS.some((section) => name.startsWith(`LOOM_${section.toUpperCase()}_`))
  );
}
