// Where each provider lives, which wire format it speaks and which variable holds its key.
import { LoomError } from "../core/mod.ts";

/** The wire format a provider speaks. */
export type ProviderApi = "anthropic" | "openai";

/** A provider Loom knows out of the box. */
export interface ProviderSpec {
  name: string;
  api: ProviderApi;
  baseURL: string;
  /** Variable holding the API key; undefined for local servers that need none. */
  apiKeyEnv?: string;
  /**
   * The SDK's variable for a bearer token instead of a key (ANTHROPIC_AUTH_TOKEN: what gateways
   * and Anthropic-compatible servers tell Claude Code users to set). When set it is the
   * credential, and the key is not sent: a key for Anthropic must not reach another server.
   */
  authTokenEnv?: string;
  /** The SDK's standard base-URL variable, honoured when set. */
  baseURLEnv?: string;
  /** OpenAI itself wants `max_completion_tokens`; compatible servers know `max_tokens`. */
  maxTokensField?: "max_tokens" | "max_completion_tokens";
  /** The provider caches prompt prefixes and reports cached tokens. */
  promptCaching?: boolean;
  /** The provider's models commonly take images. */
  images?: boolean;
  /** A server the person runs on their own machine (advice when it does not answer). */
  local?: boolean;
  /**
   * False for servers that refuse `stream_options` (Mistral answers 422 "Extra inputs are not
   * permitted") and report usage in the last chunk unasked.
   */
  streamOptions?: boolean;
  /** Tool calls carry fields to send back with them (Gemini 3's thought signatures). */
  echoCallFields?: boolean;
  /** Assistant messages go back with their reasoning (DeepSeek's thinking mode with tools). */
  echoReasoning?: boolean;
  /** Assistant messages go back with their reasoning details (OpenRouter's Gemini 3, Claude). */
  echoReasoningDetails?: boolean;
  /** Tool call ids must be nine letters or digits (Mistral's API and chat template). */
  toolCallIds?: "mistral";
}

/** `[providers.NAME]` as the config holds it. */
export interface ProviderSettings {
  base_url?: string;
  api_key_env?: string;
  api?: ProviderApi;
  /** `"mistral"`: the server wants Mistral's tool call ids (a local server running Devstral). */
  tool_call_ids?: "mistral";
  /** False for a server that refuses `stream_options` (it must then report usage unasked). */
  stream_options?: boolean;
  /** True for a server whose thinking models want their reasoning_content back (DeepSeek, Kimi). */
  reasoning_content?: boolean;
  /** True for a server that wants tool calls' extra_content back (Gemini 3 on Vertex AI). */
  extra_content?: boolean;
  /** True for a server that wants OpenRouter's reasoning_details back (a proxy to OpenRouter). */
  reasoning_details?: boolean;
}

/** The built-in providers. */
export const PROVIDERS: Readonly<Record<string, ProviderSpec>> = Object.freeze({
  anthropic: {
    name: "anthropic",
    api: "anthropic",
    baseURL: "https://api.anthropic.com",
    apiKeyEnv: "ANTHROPIC_API_KEY",
    authTokenEnv: "ANTHROPIC_AUTH_TOKEN",
    baseURLEnv: "ANTHROPIC_BASE_URL",
    promptCaching: true,
    images: true,
  },
  openai: {
    name: "openai",
    api: "openai",
    baseURL: "https://api.openai.com/v1",
    apiKeyEnv: "OPENAI_API_KEY",
    baseURLEnv: "OPENAI_BASE_URL",
    maxTokensField: "max_completion_tokens",
    promptCaching: true,
    images: true,
  },
  google: {
    name: "google",
    api: "openai",
    baseURL: "https://generativelanguage.googleapis.com/v1beta/openai/",
    apiKeyEnv: "GEMINI_API_KEY",
    echoCallFields: true,
    promptCaching: true,
    images: true,
  },
  groq: {
    name: "groq",
    api: "openai",
    baseURL: "https://api.groq.com/openai/v1",
    apiKeyEnv: "GROQ_API_KEY",
  },
  xai: {
    name: "xai",
    api: "openai",
    baseURL: "https://api.x.ai/v1",
    apiKeyEnv: "XAI_API_KEY",
    promptCaching: true,
  },
  deepseek: {
    name: "deepseek",
    api: "openai",
    baseURL: "https://api.deepseek.com/v1",
    apiKeyEnv: "DEEPSEEK_API_KEY",
    echoReasoning: true,
    promptCaching: true,
  },
  mistral: {
    name: "mistral",
    api: "openai",
    baseURL: "https://api.mistral.ai/v1",
    apiKeyEnv: "MISTRAL_API_KEY",
    streamOptions: false,
    toolCallIds: "mistral",
  },
  openrouter: {
    name: "openrouter",
    api: "openai",
    baseURL: "https://openrouter.ai/api/v1",
    apiKeyEnv: "OPENROUTER_API_KEY",
    echoReasoningDetails: true,
  },
  ollama: { name: "ollama", api: "openai", baseURL: "http://127.0.0.1:11434/v1", local: true },
  lmstudio: { name: "lmstudio", api: "openai", baseURL: "http://127.0.0.1:1234/v1", local: true },
  vllm: { name: "vllm", api: "openai", baseURL: "http://127.0.0.1:8000/v1", local: true },
});

/** A provider resolved against config and environment: ready to build a client. */
export interface ResolvedProvider {
  spec: ProviderSpec;
  baseURL: string;
  /** Undefined for keyless local servers, and when a bearer token is the credential. */
  apiKey?: string;
  /** A bearer token from `spec.authTokenEnv`, sent instead of the key. */
  authToken?: string;
}

/**
 * Resolves a provider: endpoint from its SDK variable, then `[providers.NAME] base_url`, then the
 * built-in default; key from `api_key_env` or the built-in variable. Throws CONFIG with what to do.
 */
export function resolveProvider(
  modelId: string,
  name: string,
  env: Record<string, string | undefined>,
  settings: Record<string, ProviderSettings> = {},
): ResolvedProvider {
  const builtIn = Object.hasOwn(PROVIDERS, name) ? PROVIDERS[name] : undefined;
  const own = Object.hasOwn(settings, name) ? settings[name] : undefined;
  if (!builtIn && !own?.base_url) {
    const known = Object.keys(PROVIDERS).join(", ");
    throw new LoomError(
      "CONFIG",
      `Cannot call "${modelId}": no provider named "${name}"; use one of ${known} or add [providers.${name}] base_url`,
    );
  }
  const spec: ProviderSpec = {
    ...(builtIn ?? { name, api: own?.api ?? "openai", baseURL: own!.base_url! }),
    ...(own?.api ? { api: own.api } : {}),
    ...(own?.api_key_env ? { apiKeyEnv: own.api_key_env } : {}),
    ...(own?.tool_call_ids ? { toolCallIds: own.tool_call_ids } : {}),
    ...(own?.stream_options !== undefined ? { streamOptions: own.stream_options } : {}),
    ...(own?.reasoning_content !== undefined ? { echoReasoning: own.reasoning_content } : {}),
    ...(own?.extra_content !== undefined ? { echoCallFields: own.extra_content } : {}),
    ...(own?.reasoning_details !== undefined
      ? { echoReasoningDetails: own.reasoning_details }
      : {}),
  };
  const fromEnv = spec.baseURLEnv ? env[spec.baseURLEnv]?.trim() : undefined;
  const baseURL = fromEnv || own?.base_url || spec.baseURL;
  if (!spec.apiKeyEnv) return { spec, baseURL, apiKey: undefined };
  // Only when the key's variable is the built-in one: `api_key_env` names the credential.
  const authToken = spec.authTokenEnv && !own?.api_key_env
    ? env[spec.authTokenEnv]?.trim()
    : undefined;
  if (authToken) return { spec, baseURL, authToken };
  const apiKey = env[spec.apiKeyEnv]?.trim();
  if (!apiKey) {
    const token = spec.authTokenEnv && !own?.api_key_env ? ` (or ${spec.authTokenEnv})` : "";
    throw new LoomError(
      "CONFIG",
      `Cannot call "${modelId}": ${spec.apiKeyEnv} is not set; export it${token} or set [providers.${name}] api_key_env`,
      { details: { variable: spec.apiKeyEnv } },
    );
  }
  return { spec, baseURL, apiKey };
}

/**
 * What to do when the provider cannot be reached: start a local server or fix the base URL.
 *
 * @example unreachableAdvice(resolveProvider("ollama:llama3", "ollama", {})) // "is the server running? ..."
 */
export function unreachableAdvice(resolved: ResolvedProvider): string {
  const { name, local, baseURLEnv } = resolved.spec;
  if (local || (!Object.hasOwn(PROVIDERS, name) && isLoopback(resolved.baseURL))) {
    return `is the server running? start it or set [providers.${name}] base_url`;
  }
  return `check the network or ${baseURLEnv ?? `[providers.${name}] base_url`}`;
}

/**
 * True for a server the person runs: a built-in local one, or their own at a loopback or private
 * address (a machine on their network).
 */
export function isSelfHosted(resolved: ResolvedProvider): boolean {
  if (resolved.spec.local) return true;
  if (Object.hasOwn(PROVIDERS, resolved.spec.name)) return false;
  if (isLoopback(resolved.baseURL)) return true;
  try {
    return /^(10\.\d+|192\.168|172\.(1[6-9]|2\d|3[01]))\.\d+\.\d+$|\.local$/i.test(
      new URL(resolved.baseURL).hostname,
    );
  } catch {
    return false;
  }
}

function isLoopback(url: string): boolean {
  try {
    return /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i.test(new URL(url).hostname);
  } catch {
    return false;
  }
}
