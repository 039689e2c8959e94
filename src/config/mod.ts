export { configSchema, defaultConfig } from "./schema.ts";
export type { DeepPartial, LoomConfig } from "./schema.ts";
export { emptyRules } from "./rules_types.ts";
export type { ProjectRules } from "./rules_types.ts";
export { loadConfig } from "./load.ts";
export type { LoadConfigOptions, LoadedConfig } from "./load.ts";
export { keyName, parseConfigObject, parseConfigText } from "./layer.ts";
export type { ConfigLayer } from "./layer.ts";
export { configFromEnv, envName } from "./env.ts";
export { mergeLayers } from "./merge.ts";
export { loadProjectRules, parseRulesDetailed, parseRulesMarkdown } from "./rules.ts";
export type { WideningLine } from "./rules.ts";
export {
  defaultTrustStorePath,
  evaluateTrust,
  projectHash,
  readTrustStore,
  recordTrust,
  trustStatus,
} from "./trust.ts";
export type { TrustStatus, TrustStore } from "./trust.ts";
