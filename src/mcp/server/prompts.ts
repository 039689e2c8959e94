import type { OpenedHost } from "../../tools/host.ts";
import { ErrorCode, McpError } from "./_sdk.ts";
import { renderRules } from "./resources.ts";
import { decisionBriefing, pulsePromptText } from "./decisions.ts";

const MAX_COMPLETIONS = 100;

/** The prompts, as listed by `prompts/list`. */
export const PROMPTS = [
  {
    name: "loom-start",
    title: "Start working with Loom",
    description:
      "The project's instructions and rules, its active goals and rejected options, then the task",
    arguments: [
      { name: "task", description: "What to work on", required: false },
      { name: "focus", description: "A file or folder to start from", required: false },
    ],
  },
  {
    name: "loom-pulse",
    title: "Review the decision graph",
    description: "The decision graph's pulse (gaps, orphans, stale and uncertain items) to review",
    arguments: [],
  },
];

/** A prompt message, as `prompts/get` returns it. */
export interface PromptMessage {
  role: "user" | "assistant";
  content: { type: "text"; text: string };
}

/** Builds one prompt; unknown names are a JSON-RPC error. */
export async function getPrompt(
  opened: OpenedHost,
  name: string,
  args: Record<string, string> = {},
): Promise<{ description: string; messages: PromptMessage[] }> {
  if (name === "loom-pulse") {
    const text = await pulsePromptText(opened);
    return {
      description: PROMPTS[1].description,
      messages: [{ role: "user", content: { type: "text", text } }],
    };
  }
  if (name !== "loom-start") {
    throw new McpError(
      ErrorCode.InvalidParams,
      `Cannot get prompt "${name}": no such prompt; the prompts are ${
        PROMPTS.map((p) => p.name).join(", ")
      }`,
    );
  }
  const parts = [
    `You are working in the project at ${opened.host.context.guard.root} through Loom's tools.`,
    "Read files before editing them; the permission rules below decide what needs approval.",
    "",
    renderRules(opened).trim(),
  ];
  const briefing = await decisionBriefing(opened);
  if (briefing) parts.push("", briefing);
  if (args.focus) parts.push("", `Start from: ${args.focus}`);
  parts.push("", args.task ? `Task: ${args.task}` : "Ask me what to work on.");
  return {
    description: PROMPTS[0].description,
    messages: [{ role: "user", content: { type: "text", text: parts.join("\n") } }],
  };
}

/** A `completion/complete` reference: a prompt or a resource template. */
export type CompletionRef = { type: "ref/prompt"; name: string } | {
  type: "ref/resource";
  uri: string;
};

/** Completes an argument value: project paths for `focus` and the file template's `path`. */
export async function complete(
  opened: OpenedHost,
  ref: CompletionRef,
  argument: { name: string; value: string },
): Promise<{ values: string[]; hasMore: boolean; total: number }> {
  const isPath = (ref.type === "ref/prompt" && ref.name === "loom-start" &&
    argument.name === "focus") ||
    (ref.type === "ref/resource" && ref.uri === "loom://file/{path}" && argument.name === "path");
  if (!isPath) return { values: [], hasMore: false, total: 0 };
  const all = await completePath(opened, argument.value);
  return {
    values: all.slice(0, MAX_COMPLETIONS),
    hasMore: all.length > MAX_COMPLETIONS,
    total: all.length,
  };
}

/** Entries of the directory named by `prefix` whose names start with its last part. */
async function completePath(opened: OpenedHost, prefix: string): Promise<string[]> {
  const { guard, isReadDenied } = opened.host.context;
  const slash = prefix.lastIndexOf("/");
  const dirPart = slash >= 0 ? prefix.slice(0, slash) : "";
  const namePart = slash >= 0 ? prefix.slice(slash + 1) : prefix;
  let dir;
  try {
    dir = await guard.resolveForRead(dirPart === "" ? "." : dirPart);
  } catch {
    return [];
  }
  const found: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir.abs)) {
      if (!entry.name.startsWith(namePart)) continue;
      if (entry.name === ".git" || entry.name === ".loom") continue;
      const rel = dirPart === "" ? entry.name : `${dirPart}/${entry.name}`;
      if (isReadDenied(rel)) continue;
      found.push(entry.isDirectory ? `${rel}/` : rel);
    }
  } catch {
    return [];
  }
  return found.sort((a, b) => a.localeCompare(b));
}
