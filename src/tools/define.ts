import type { z } from "zod";
import type { ProcessRunner, ProgressUpdate, ToolSpec } from "../core/mod.ts";
import type { LoomConfig } from "../config/schema.ts";
import type { ProjectRules } from "../config/rules_types.ts";
import type { PathGuard, ReadLedger } from "../workspace/mod.ts";

/** Everything a tool may touch, handed in by the host (CLI, MCP server, agent). */
export interface ToolContext {
  guard: PathGuard;
  ledger: ReadLedger;
  runner: ProcessRunner;
  config: LoomConfig;
  rules: ProjectRules;
  /** True when the project's rule files are trusted (git hooks, widened rules). */
  trusted: boolean;
  signal: AbortSignal;
  /** True when reading this project-relative path is denied by a rule; walkers skip such files. */
  isReadDenied: (rel: string) => boolean;
  onProgress?: (update: ProgressUpdate) => void;
  /**
   * Runs `work` once the result has been sent, where the caller can tell (the MCP server); else
   * at once. For cleanup that need not delay the answer, such as closing the handle of a file
   * just replaced (the kernel frees its blocks then).
   */
  afterReply?: (work: () => void) => void;
}

// deno-lint-ignore no-explicit-any
export type Tool = ToolSpec<any, ToolContext>;

/** Declares a tool; the input type is inferred from its zod schema. */
export function defineTool<S extends z.ZodType>(
  spec: ToolSpec<z.infer<S>, ToolContext> & { input: S },
): ToolSpec<z.infer<S>, ToolContext> {
  return spec;
}
