export { createProcessRunner } from "./runner.ts";
export type { RunnerOptions } from "./runner.ts";
export type { SandboxWrapper } from "./types.ts";
export { cleanEnv, isSecretVariable } from "./env.ts";
export {
  bwrapArgv,
  createBwrapWrapper,
  HOME_SECRETS,
  HOST_SECRETS,
  PROTECTED_NAMES,
  REVERTED_NAMES,
} from "./bwrap.ts";
export type { BwrapOptions } from "./bwrap.ts";
export { findOnPath, probeWrapper, resolveSandbox } from "./detect.ts";
export type { ResolvedSandbox, ResolveSandboxOptions } from "./detect.ts";
export { createDeferredRunner } from "./deferred.ts";
