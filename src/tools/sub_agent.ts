import { z } from "zod";
import { LoomError } from "../core/mod.ts";
import type { ProgressUpdate, Usage } from "../core/mod.ts";
import { defineTool } from "./define.ts";
import DESCRIPTION from "./sub_agent.md" with { type: "text" };

/** How a sub-agent's run ended. */
export interface SubAgentReport {
  text: string;
  steps: number;
  /** `final`, or the limit that stopped it (`step_limit`, `token_limit`). */
  stopped: string;
  /** What its model calls spent, for the parent's cost ledger: model id, tokens, dollars. */
  spent?: { model: string; usage: Usage; costUsd: number };
}

/** Runs a read-only sub-agent on `task` (supplied by the agent; tools never import llm). */
export type SubAgentRunner = (
  task: string,
  options: { signal: AbortSignal; maxSteps?: number; onProgress?: (u: ProgressUpdate) => void },
) => Promise<SubAgentReport>;

const MAX_STEPS = 30;

/** The `sub_agent` tool over a runner the composition root supplies. */
export function createSubAgentTool(runSubAgent: SubAgentRunner) {
  return defineTool({
    name: "sub_agent",
    description: DESCRIPTION,
    input: z.object({
      task: z.string().min(1).describe(
        "What to investigate, self-contained (the sub-agent sees none of this conversation)",
      ),
      max_steps: z.number().int().min(1).max(MAX_STEPS).optional().describe(
        `Model calls it may make before it must report (default 12, at most ${MAX_STEPS})`,
      ),
    }),
    output: z.object({
      steps: z.number().int().describe("Model calls the sub-agent made"),
      stopped: z.string().describe("final, or the limit that stopped it"),
      model: z.string().optional().describe("The sub-agent's model, provider:model"),
      usage: z.object({
        input: z.number().int().describe("Input tokens not read from the prompt cache"),
        output: z.number().int().describe("Output tokens"),
        cacheRead: z.number().int().describe("Input tokens read from the prompt cache"),
        cacheWrite: z.number().int().describe("Input tokens written to the prompt cache"),
      }).optional().describe("Tokens its model calls used, all calls together"),
      costUsd: z.number().optional().describe("What those calls cost in dollars, by the catalog"),
    }),
    annotations: {
      title: "Sub-agent (read-only)",
      readOnlyHint: true,
      destructiveHint: false,
      idempotentHint: false,
      openWorldHint: false,
    },
    permission: () => ({ kind: "read", tool: "sub_agent", paths: [] }),
    async run(input, ctx) {
      if (ctx.signal.aborted) {
        throw new LoomError("CANCELLED", "Cannot run the sub-agent: cancelled");
      }
      const report = await runSubAgent(input.task, {
        signal: ctx.signal,
        maxSteps: input.max_steps,
        onProgress: ctx.onProgress,
      });
      const note = report.stopped === "final"
        ? ""
        : `\n\n[The sub-agent stopped at its ${
          report.stopped.replace("_", " ")
        } after ${report.steps} steps; this report may be incomplete]`;
      const text = report.text.trim() === ""
        ? `The sub-agent made ${report.steps} steps and wrote no report${note}`
        : `${report.text.trim()}${note}`;
      const spent = report.spent
        ? { model: report.spent.model, usage: report.spent.usage, costUsd: report.spent.costUsd }
        : {};
      return { text, structured: { steps: report.steps, stopped: report.stopped, ...spent } };
    },
  });
}
