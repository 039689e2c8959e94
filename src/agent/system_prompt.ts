// The system prompt: Loom's instructions, the project's, the decision context, the repo map, facts.
import type { ProjectRules } from "../config/rules_types.ts";
import LOOM_INSTRUCTIONS from "./instructions.md" with { type: "text" };

/** Facts about where the agent runs, from injected sources (clock, OS, git). */
export interface EnvironmentFacts {
  /** Epoch milliseconds from the injected clock. */
  now: number;
  os: string;
  cwd: string;
  branch: string | null;
}

/** The parts of a system prompt. */
export interface SystemPromptParts {
  /** Loom's own instructions (defaults to instructions.md). */
  instructions?: string;
  project: ProjectRules["instructions"];
  decisionContext: string;
  /** The repo-map slot: empty until the repo map exists. */
  repoMap: string;
  environment: EnvironmentFacts;
}

/** Loom's built-in instructions. */
export const DEFAULT_INSTRUCTIONS: string = LOOM_INSTRUCTIONS.trim();

/** Renders the system prompt. Stable for stable inputs (it heads the cached prefix). */
export function renderSystemPrompt(parts: SystemPromptParts): string {
  const sections = [parts.instructions ?? DEFAULT_INSTRUCTIONS];
  for (const item of parts.project) {
    if (item.text.trim() === "") continue;
    sections.push(`# Project instructions (${item.source})\n\n${item.text.trim()}`);
  }
  if (parts.decisionContext.trim() !== "") {
    sections.push(`# Decision context\n\n${parts.decisionContext.trim()}`);
  }
  if (parts.repoMap.trim() !== "") sections.push(`# Repository map\n\n${parts.repoMap.trim()}`);
  const env = parts.environment;
  sections.push(
    [
      "# Environment",
      `- Date: ${new Date(env.now).toISOString().slice(0, 10)}`,
      `- OS: ${env.os}`,
      `- Working directory (project root): ${env.cwd}`,
      `- Git branch: ${env.branch ?? "(not a git repository, or no branch)"}`,
    ].join("\n"),
  );
  return sections.join("\n\n");
}
