export { createProcessRunner } from "./runner.ts";
export type { RunnerOptions, SandboxWrapper } from "./runner.ts";
export { cleanEnv } from "./env.ts";
