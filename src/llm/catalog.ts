// What Loom knows about common models: context window, output cap, prices, tool support.
import type { ModelInfo, ModelPrices } from "../core/mod.ts";
import { type ModelId, parseModelId } from "./model_id.ts";

/** One catalog row: [context window, max output, input, output, cache read, cache write] (dollars per million tokens). */
type Row = [number, number, number, number, number, number];

const K = 1000;
const CLAUDE_OPUS_4: Row = [200 * K, 32 * K, 15, 75, 1.5, 18.75];
const CLAUDE_OPUS_45: Row = [200 * K, 64 * K, 5, 25, 0.5, 6.25];
const CLAUDE_SONNET_4: Row = [200 * K, 64 * K, 3, 15, 0.3, 3.75];
const CLAUDE_HAIKU_45: Row = [200 * K, 64 * K, 1, 5, 0.1, 1.25];
const GPT_5: Row = [400 * K, 128 * K, 1.25, 10, 0.125, 0];

/** Rows keyed `provider:model`. Dated and `-latest` ids fall back to these (see `lookupModel`). */
const CATALOG: Record<string, Row> = {
  "anthropic:claude-opus-4-6": CLAUDE_OPUS_45,
  "anthropic:claude-opus-4-5": CLAUDE_OPUS_45,
  "anthropic:claude-opus-4-1": CLAUDE_OPUS_4,
  "anthropic:claude-opus-4-0": CLAUDE_OPUS_4,
  "anthropic:claude-sonnet-4-6": CLAUDE_SONNET_4,
  "anthropic:claude-sonnet-4-5": CLAUDE_SONNET_4,
  "anthropic:claude-sonnet-4-0": CLAUDE_SONNET_4,
  "anthropic:claude-haiku-4-5": CLAUDE_HAIKU_45,
  "openai:gpt-5": GPT_5,
  "openai:gpt-5.1": GPT_5,
  "openai:gpt-5-mini": [400 * K, 128 * K, 0.25, 2, 0.025, 0],
  "openai:gpt-5-nano": [400 * K, 128 * K, 0.05, 0.4, 0.005, 0],
  "openai:gpt-4.1": [1_047_576, 32_768, 2, 8, 0.5, 0],
  "openai:gpt-4.1-mini": [1_047_576, 32_768, 0.4, 1.6, 0.1, 0],
  "openai:gpt-4.1-nano": [1_047_576, 32_768, 0.1, 0.4, 0.025, 0],
  "openai:gpt-4o": [128 * K, 16_384, 2.5, 10, 1.25, 0],
  "openai:o3": [200 * K, 100 * K, 2, 8, 0.5, 0],
  "openai:o4-mini": [200 * K, 100 * K, 1.1, 4.4, 0.275, 0],
  // Gemini 3 (preview): prices of prompts up to 200K tokens.
  "google:gemini-3-pro-preview": [1_048_576, 65_536, 2, 12, 0.2, 0],
  "google:gemini-3-flash-preview": [1_048_576, 65_536, 0.5, 3, 0.05, 0],
  "google:gemini-2.5-pro": [1_048_576, 65_536, 1.25, 10, 0.125, 0],
  "google:gemini-2.5-flash": [1_048_576, 65_536, 0.3, 2.5, 0.03, 0],
  "google:gemini-2.5-flash-lite": [1_048_576, 65_536, 0.1, 0.4, 0.01, 0],
  "groq:llama-3.3-70b-versatile": [131_072, 32_768, 0.59, 0.79, 0.59, 0],
  "groq:llama-3.1-8b-instant": [131_072, 131_072, 0.05, 0.08, 0.05, 0],
  "groq:meta-llama/llama-4-maverick-17b-128e-instruct": [131_072, 8_192, 0.2, 0.6, 0.2, 0],
  "xai:grok-4": [256 * K, 64 * K, 3, 15, 0.75, 0],
  "xai:grok-3": [131_072, 32 * K, 3, 15, 0.75, 0],
  "xai:grok-3-mini": [131_072, 32 * K, 0.3, 0.5, 0.075, 0],
  "xai:grok-code-fast-1": [256 * K, 10 * K, 0.2, 1.5, 0.02, 0],
  "deepseek:deepseek-chat": [128 * K, 8 * K, 0.28, 0.42, 0.028, 0],
  "deepseek:deepseek-reasoner": [128 * K, 64 * K, 0.28, 0.42, 0.028, 0],
  "mistral:mistral-large-latest": [128 * K, 32 * K, 2, 6, 2, 0],
  "mistral:mistral-medium-latest": [128 * K, 32 * K, 0.4, 2, 0.4, 0],
  "mistral:codestral-latest": [256 * K, 32 * K, 0.3, 0.9, 0.3, 0],
};

/** Models whose reasoning counts against the output limit: they need a larger one. */
const REASONING = new Set([
  "openai:gpt-5",
  "openai:gpt-5.1",
  "openai:gpt-5-mini",
  "openai:gpt-5-nano",
  "openai:o3",
  "openai:o4-mini",
  "google:gemini-3-pro-preview",
  "google:gemini-3-flash-preview",
  "google:gemini-2.5-pro",
  "google:gemini-2.5-flash",
  "google:gemini-2.5-flash-lite",
  "xai:grok-4",
  "xai:grok-3-mini",
  "deepseek:deepseek-reasoner",
]);

/** Local servers cost nothing; their limits are still unknown. */
const FREE_PROVIDERS = new Set(["ollama", "lmstudio", "vllm"]);

/** What an unknown model is assumed to allow: small enough to be safe almost anywhere. */
export const UNKNOWN_MODEL_DEFAULTS = Object.freeze({ contextWindow: 32_768, maxOutput: 4_096 });

/** `[models."provider:model"]` as the config holds it. */
export interface ModelOverride {
  context_window?: number;
  max_output?: number;
  input_price?: number;
  output_price?: number;
  cache_read_price?: number;
  cache_write_price?: number;
  tools?: boolean;
  reasoning?: boolean;
}

/** Ids of every model in the catalog, `provider:model`. */
export function catalogIds(): string[] {
  return Object.keys(CATALOG);
}

/**
 * Looks a model up: config override over the catalog row over conservative defaults.
 * `known` is false when neither catalog nor config has it (the caller warns).
 *
 * @example lookupModel("anthropic:claude-sonnet-4-5-20250929").contextWindow // 200000
 */
export function lookupModel(
  id: string | ModelId,
  overrides: Record<string, ModelOverride> = {},
): ModelInfo {
  const { provider, model } = typeof id === "string" ? parseModelId(id) : id;
  const key = `${provider}:${model}`;
  const rowKey = key in CATALOG ? key : `${provider}:${baseName(model)}`;
  const row = CATALOG[rowKey];
  const override = Object.hasOwn(overrides, key) ? overrides[key] : undefined;
  const free = FREE_PROVIDERS.has(provider) ? 0 : undefined;
  const prices: ModelPrices = {
    input: override?.input_price ?? row?.[2] ?? free ?? 0,
    output: override?.output_price ?? row?.[3] ?? free ?? 0,
    cacheRead: override?.cache_read_price ?? row?.[4] ?? override?.input_price ?? 0,
    cacheWrite: override?.cache_write_price ?? row?.[5] ?? 0,
  };
  return {
    id: key,
    provider,
    model,
    contextWindow: override?.context_window ?? row?.[0] ?? UNKNOWN_MODEL_DEFAULTS.contextWindow,
    maxOutput: override?.max_output ?? row?.[1] ?? UNKNOWN_MODEL_DEFAULTS.maxOutput,
    prices,
    tools: override?.tools ?? true,
    reasoning: override?.reasoning ?? REASONING.has(rowKey),
    known: row !== undefined || override !== undefined,
  };
}

/** Drops a date stamp or `-latest`: `claude-sonnet-4-5-20250929` → `claude-sonnet-4-5`. */
function baseName(model: string): string {
  return model.replace(/-(\d{8}|\d{4}-\d{2}-\d{2}|latest)$/, "");
}
