import type { LoomConfig } from "../config/mod.ts";
import { parseModelId, PROVIDERS } from "../llm/mod.ts";

/** One provider key variable and whether it is set (never its value). */
export interface KeyStatus {
  provider: string;
  variable: string;
  set: boolean;
}

/** Which provider keys are set: the built-in providers' variables and any `[providers.X] api_key_env`. */
export function keyStatuses(config: LoomConfig, env: Record<string, string>): KeyStatus[] {
  const out = new Map<string, KeyStatus>();
  for (const [name, spec] of Object.entries(PROVIDERS)) {
    // A bearer token in its SDK's variable stands for the key (see ProviderSpec.authTokenEnv).
    const variable = spec.authTokenEnv && (env[spec.authTokenEnv] ?? "") !== ""
      ? spec.authTokenEnv
      : spec.apiKeyEnv;
    if (variable) out.set(name, { provider: name, variable, set: false });
  }
  for (const [name, settings] of Object.entries(config.providers)) {
    if (settings.api_key_env) {
      out.set(name, { provider: name, variable: settings.api_key_env, set: false });
    }
  }
  return [...out.values()].map((k) => ({ ...k, set: (env[k.variable] ?? "") !== "" }));
}

/** The provider of `[model] default`, when it parses. */
export function defaultProvider(config: LoomConfig): string | undefined {
  try {
    return parseModelId(config.model.default).provider;
  } catch {
    return undefined;
  }
}
