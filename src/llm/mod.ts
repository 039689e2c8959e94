// The provider layer: models by `provider:model`, the catalog, costs, token counts.
export { createModel } from "./create.ts";
export type { CreateModelOptions, LlmConfig } from "./create.ts";
export { parseModelId } from "./model_id.ts";
export type { ModelId } from "./model_id.ts";
export { catalogIds, lookupModel, UNKNOWN_MODEL_DEFAULTS } from "./catalog.ts";
export type { ModelOverride } from "./catalog.ts";
export { PROVIDERS, resolveProvider } from "./providers.ts";
export type { ProviderApi, ProviderSettings, ProviderSpec, ResolvedProvider } from "./providers.ts";
export { addUsage, costOf } from "./cost.ts";
export { countTokens } from "./tokens.ts";
export { backoff } from "./retry.ts";
export type { RetryPolicy } from "./retry.ts";
export { createAnthropicModel } from "./anthropic/model.ts";
export type { AnthropicModelOptions } from "./anthropic/model.ts";
export { createOpenAIModel } from "./openai/model.ts";
export type { OpenAIModelOptions } from "./openai/model.ts";
