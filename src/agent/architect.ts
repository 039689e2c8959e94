// Architect/editor: one model plans in prose, another (fast, cheap) carries the plan out.
import type { LanguageModel, Message, ToolDefinition } from "../core/mod.ts";
import type { AgentRole } from "./events.ts";
import { type LoopOptions, type LoopResult, runLoop } from "./loop.ts";

const ARCHITECT_NOTE = `# Your role: architect
You plan; another model will make the edits. Look at the code with the read-only tools, then
answer with a precise plan in prose: which files change, what changes in each, and how to check
the result. Do not write code blocks longer than a few lines, and do not try to edit files.`;

const EDITOR_NOTE = `# Your role: editor
Carry out the architect's plan in the conversation with the edit tools. Follow it closely; when a
step of it cannot work, say why and do the nearest thing that does.`;

/** What an architect/editor turn needs from the agent. */
export interface ArchitectEditorInput {
  base: Omit<LoopOptions, "model" | "role" | "tools" | "system" | "maxSteps">;
  architect: LanguageModel;
  editor: LanguageModel;
  tools: ToolDefinition[];
  readOnly: (name: string) => boolean;
  system: string;
  maxSteps: number;
  input: string;
  /** Tags the messages that follow with the role that wrote them. */
  setRole: (role: AgentRole) => void;
  append: (message: Message) => void;
}

/** Runs the architect on the request, then the editor on the plan; steps count across both. */
export async function runArchitectEditor(input: ArchitectEditorInput): Promise<LoopResult> {
  input.setRole("architect");
  input.append({ role: "user", content: input.input });
  const plan = await runLoop({
    ...input.base,
    model: input.architect,
    role: "architect",
    tools: input.tools.filter((t) => input.readOnly(t.name)),
    system: `${input.system}\n\n${ARCHITECT_NOTE}`,
    maxSteps: input.maxSteps,
  });
  if (plan.reason !== "final") return plan;
  input.setRole("editor");
  input.append({
    role: "user",
    content: "Now carry out the architect's plan above, with the edit tools.",
  });
  const done = await runLoop({
    ...input.base,
    model: input.editor,
    role: "editor",
    tools: input.tools,
    system: `${input.system}\n\n${EDITOR_NOTE}`,
    maxSteps: input.maxSteps,
    firstStep: plan.steps + 1,
  });
  return { ...done, steps: plan.steps + done.steps };
}
