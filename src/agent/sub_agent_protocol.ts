// Messages between the agent and a sub-agent Worker (structured-cloneable data only).
import type { LoomConfig } from "../config/schema.ts";
import type { ProjectRules } from "../config/rules_types.ts";
import type { Usage } from "../core/mod.ts";

/** What the Worker is started with. */
export interface SubAgentInit {
  type: "start";
  root: string;
  task: string;
  modelId: string;
  /** Only the variables the model's provider needs (its key and base URL). */
  env: Record<string, string>;
  config: LoomConfig;
  rules: ProjectRules;
  /** Tool names the sub-agent gets (the parent passes read-only ones). */
  tools: string[];
  maxSteps: number;
  maxTokens: number;
  now: number;
  os: string;
}

/** What the Worker sends back. */
export type SubAgentMessage =
  | { type: "tool"; name: string; step: number }
  | {
    type: "done";
    text: string;
    steps: number;
    stopped: string;
    usage: Usage;
    error?: string;
  };
