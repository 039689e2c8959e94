import { z } from "zod";

const serverEntry = z.strictObject({
  command: z.string().min(1).optional(),
  args: z.array(z.string()).default([]),
  env: z.record(z.string(), z.string()).default({}),
  url: z.string().url().optional(),
});

const lspServer = z.strictObject({
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  languages: z.array(z.string()).default([]),
});

const providerEntry = z.object({
  base_url: z.string().url().optional(),
  api_key_env: z.string().min(1).optional(),
  api: z.enum(["openai", "anthropic"]).optional(),
  tool_call_ids: z.enum(["mistral"]).optional(),
  stream_options: z.boolean().optional(),
  reasoning_content: z.boolean().optional(),
  extra_content: z.boolean().optional(),
  reasoning_details: z.boolean().optional(),
});

const modelEntry = z.object({
  context_window: z.number().int().min(1).optional(),
  max_output: z.number().int().min(1).optional(),
  input_price: z.number().min(0).optional(),
  output_price: z.number().min(0).optional(),
  cache_read_price: z.number().min(0).optional(),
  cache_write_price: z.number().min(0).optional(),
  tools: z.boolean().optional(),
  reasoning: z.boolean().optional(),
});

/** The whole of `.loom.toml` / `~/.loom/config.toml`, with defaults. Unknown keys are stripped (and warned about by the loader). */
export const configSchema = z.object({
  model: z.object({
    default: z.string().default("anthropic:claude-sonnet-4-6"),
    weak: z.string().optional(),
    architect: z.string().optional(),
    editor: z.string().optional(),
  }).prefault({}),
  permissions: z.object({
    auto_approve: z.boolean().default(false),
    allow: z.array(z.string()).default([]),
    ask: z.array(z.string()).default([]),
    deny: z.array(z.string()).default([]),
  }).prefault({}),
  context: z.object({
    max_repo_map_tokens: z.number().int().min(0).max(200_000).default(2048),
    max_decision_context_tokens: z.number().int().min(0).max(200_000).default(1024),
    reserved_output_tokens: z.number().int().min(0).max(200_000).default(8192),
    /** The same for a model that reasons (see ModelInfo.reasoning): its reasoning counts too. */
    reasoning_output_tokens: z.number().int().min(0).max(200_000).default(32_000),
  }).prefault({}),
  mcp: z.object({
    server_enabled: z.boolean().default(true),
    servers: z.record(z.string(), serverEntry).default({}),
  }).prefault({}),
  lsp: z.object({
    enabled: z.boolean().default(true),
    servers: z.record(z.string(), lspServer).default({}),
  }).prefault({}),
  repo: z.object({
    watch_enabled: z.boolean().default(true),
  }).prefault({}),
  sandbox: z.object({
    mode: z.enum(["auto", "bwrap", "off"]).default("auto"),
    network: z.boolean().default(false),
  }).prefault({}),
  graph: z.object({
    stale_days: z.number().int().min(1).max(3650).default(14),
  }).prefault({}),
  files: z.object({
    /** Flush each write to disk (fdatasync, then the directory) before reporting it done. */
    fsync: z.boolean().default(false),
  }).prefault({}),
  shell: z.object({
    timeout_seconds: z.number().int().min(1).max(600).default(120),
  }).prefault({}),
  /** `[providers.NAME]`: endpoints and key variables, for built-in providers or new ones. */
  providers: z.record(z.string(), providerEntry).default({}),
  /** `[models."provider:model"]`: catalog overrides (prices in dollars per million tokens). */
  models: z.record(z.string(), modelEntry).default({}),
});

/** Effective configuration after merging every source. */
export type LoomConfig = z.infer<typeof configSchema>;

/** The defaults, as if no file, variable or flag were given. */
export function defaultConfig(): LoomConfig {
  return configSchema.parse({});
}

/** A config with every key optional at every depth (arrays stay whole): what a layer or flags hold. */
export type DeepPartial<T> = T extends readonly unknown[] ? T
  : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> }
  : T;
