import { defaultConfig } from "../../src/config/schema.ts";
import type { LoomConfig } from "../../src/config/schema.ts";
import { emptyRules } from "../../src/config/rules_types.ts";
import type { ProjectRules } from "../../src/config/rules_types.ts";
import { createProcessRunner } from "../../src/sandbox/mod.ts";
import type { ToolContext } from "../../src/tools/define.ts";
import { createPathGuard, ReadLedger } from "../../src/workspace/mod.ts";

/** A real tool context on `root`: real guard, ledger and (unsandboxed unless given) runner. */
export async function createTestContext(
  root: string,
  overrides: Partial<Omit<ToolContext, "config" | "rules">> & {
    config?: Partial<LoomConfig>;
    rules?: Partial<ProjectRules>;
  } = {},
): Promise<ToolContext> {
  const { config, rules, ...rest } = overrides;
  return {
    guard: await createPathGuard(root),
    ledger: new ReadLedger(),
    runner: createProcessRunner({ env: Deno.env.toObject() }),
    trusted: false,
    signal: new AbortController().signal,
    isReadDenied: () => false,
    ...rest,
    config: { ...defaultConfig(), ...config },
    rules: { ...emptyRules(), ...rules },
  };
}
