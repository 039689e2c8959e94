// `provider:model` + config + environment → a LanguageModel. The one place adapters are chosen.
import type { LanguageModel } from "../core/mod.ts";
import { createAnthropicModel } from "./anthropic/model.ts";
import { lookupModel, type ModelOverride } from "./catalog.ts";
import { parseModelId } from "./model_id.ts";
import { createOpenAIModel } from "./openai/model.ts";
import {
  isSelfHosted,
  type ProviderSettings,
  type ResolvedProvider,
  resolveProvider,
  unreachableAdvice,
} from "./providers.ts";
import { rehearsalFetch } from "./rehearsal.ts";
import type { RetryPolicy } from "./retry.ts";

/** The parts of LoomConfig the provider layer reads (structural, so llm need not import config). */
export interface LlmConfig {
  providers?: Record<string, ProviderSettings>;
  models?: Record<string, ModelOverride>;
}

/** Everything outside the process that choosing a model depends on. */
export interface CreateModelOptions {
  /** Environment variables (keys, `ANTHROPIC_BASE_URL`, `OPENAI_BASE_URL`). */
  env: Record<string, string | undefined>;
  config?: LlmConfig;
  fetch?: typeof fetch;
  retry?: RetryPolicy;
  /** Hears warnings such as an unknown model running on conservative defaults. */
  onWarning?: (message: string) => void;
}

/** How long a hosted model's stream may stay silent before the call is given up and retried. */
export const IDLE_TIMEOUT_MS = 120_000;
/** The same for a model that reasons before it writes, or a server on the person's own machine. */
export const PATIENT_IDLE_TIMEOUT_MS = 600_000;

/**
 * How long a stream may stay silent. A model that reasons before it writes (gpt-5, o3) streams
 * nothing while it does, minutes at a time on a hard question, and a server of the person's own
 * can spend minutes reading a long prompt on a CPU before its first token: both get ten minutes,
 * where two would abort (and pay again for) healthy calls.
 */
export function idleTimeoutFor(
  info: { reasoning?: boolean },
  resolved: ResolvedProvider,
): number {
  return info.reasoning || isSelfHosted(resolved) ? PATIENT_IDLE_TIMEOUT_MS : IDLE_TIMEOUT_MS;
}

/**
 * Builds the model for `provider:model`. Throws USAGE for a malformed string and CONFIG for an
 * unknown provider or a missing key, each saying what to do.
 *
 * @example createModel("anthropic:claude-sonnet-4-5", { env: { ANTHROPIC_API_KEY: "sk-..." } })
 */
export function createModel(modelString: string, options: CreateModelOptions): LanguageModel {
  const id = parseModelId(modelString);
  const info = lookupModel(id, options.config?.models);
  const resolved = resolveProvider(info.id, id.provider, options.env, options.config?.providers);
  if (!info.known) {
    options.onWarning?.(
      `Model "${info.id}" is not in Loom's catalog: assuming a ${info.contextWindow}-token context, ` +
        `${info.maxOutput} output tokens and no price; set [models."${info.id}"] to correct it`,
    );
  }
  const spec = resolved.spec;
  const adapter = (fetch: typeof globalThis.fetch | undefined, retry: RetryPolicy) => {
    const common = {
      info,
      baseURL: resolved.baseURL,
      keyEnv: resolved.authToken ? spec.authTokenEnv : spec.apiKeyEnv,
      unreachableAdvice: unreachableAdvice(resolved),
      fetch,
      retry: { idleTimeoutMs: idleTimeoutFor(info, resolved), ...retry },
    };
    return spec.api === "anthropic"
      ? createAnthropicModel({
        ...common,
        ...(resolved.authToken
          ? { authToken: resolved.authToken }
          : { apiKey: resolved.apiKey ?? "no-key" }),
      })
      : createOpenAIModel({
        ...common,
        apiKey: resolved.apiKey,
        quirks: {
          maxTokensField: spec.maxTokensField,
          toolIds: spec.toolCallIds ?? "openai",
          echoCallFields: spec.echoCallFields,
          echoReasoning: spec.echoReasoning,
          echoReasoningDetails: spec.echoReasoningDetails,
          streamOptions: spec.streamOptions,
        },
      });
  };
  // One shape for the model and its rehearsal: a rehearsal runs the very code a call runs.
  const wrap = (model: LanguageModel): LanguageModel => ({
    info,
    capabilities: {
      tools: info.tools,
      images: spec.images ?? false,
      promptCaching: spec.promptCaching ?? false,
    },
    stream: (request, streamOptions) => model.stream(request, streamOptions),
  });
  return {
    ...wrap(adapter(options.fetch, options.retry ?? {})),
    rehearsal: () => wrap(adapter(rehearsalFetch(spec.api), { ...options.retry, maxRetries: 0 })),
  };
}
