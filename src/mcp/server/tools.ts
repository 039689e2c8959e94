import { z } from "zod";
import type { PermissionRequest } from "../../core/mod.ts";
import type { Answer, Asker, Decision } from "../../permissions/types.ts";
import { describeRequest } from "../../permissions/mod.ts";
import { safeExact, safeText } from "../../core/safe_text.ts";
import { toolInputSchema } from "../../tools/schema.ts";
import type { Tool } from "../../tools/define.ts";
import { runTool } from "../../tools/run.ts";
import type { ToolHost } from "../../tools/run.ts";
import type { CallToolResult, McpTool } from "./_sdk.ts";

/** How a tool appears in `tools/list`. */
export function toMcpTool(tool: Tool): McpTool {
  const { title, readOnlyHint, destructiveHint, idempotentHint, openWorldHint } = tool.annotations;
  return {
    name: tool.name,
    title,
    description: tool.description,
    inputSchema: { ...toolInputSchema(tool), type: "object" },
    ...(tool.output ? { outputSchema: toolOutputSchema(tool.output) } : {}),
    annotations: { title, readOnlyHint, destructiveHint, idempotentHint, openWorldHint },
  };
}

/**
 * What `structuredContent` carries besides a tool's own fields: the text the model reads. Some
 * hosts (Claude Code among them) hand the model only `structuredContent` when a result has one,
 * so it must hold the whole result, not just the metadata beside the text.
 */
const TEXT_FIELD = {
  text: z.string().describe("The whole result as the model reads it (the text content block)"),
};

/** A tool's structured result as MCP sends it: its own fields plus `text`. */
function mcpOutput(output: z.ZodType): z.ZodType {
  return output instanceof z.ZodObject ? output.extend(TEXT_FIELD) : output;
}

/** The JSON schema of a tool's structured result (MCP wants a top-level object). */
export function toolOutputSchema(output: z.ZodType): McpTool["inputSchema"] {
  const schema = z.toJSONSchema(mcpOutput(output), { io: "output", unrepresentable: "any" });
  delete schema.$schema;
  return { ...schema, type: "object" } as McpTool["inputSchema"];
}

/** What one `tools/call` may use besides the host: its signal, progress and a way to ask. */
export interface CallOptions {
  signal: AbortSignal;
  /** Sends `notifications/progress`; absent when the request had no progressToken. */
  progress?: (progress: number, total?: number, message?: string) => void;
  /** Asks the client's user (elicitation); absent when the client cannot elicit. */
  ask?: Asker;
  /** Diagnostics for the operator (stderr). */
  log?: (text: string) => void;
}

/** Runs one `tools/call` through runTool and shapes the outcome as an MCP result. */
export async function callTool(
  host: ToolHost,
  name: string,
  args: unknown,
  options: CallOptions,
): Promise<CallToolResult> {
  const progress = options.progress;
  // Work a tool leaves for after its answer runs in a task of its own: the SDK writes the reply
  // in the microtasks that follow this call, so it is on its way first.
  const later: (() => void)[] = [];
  const outcome = await runTool({ ...host, ask: options.ask }, name, args, {
    signal: options.signal,
    onProgress: progress ? (u) => progress(u.progress, u.total, u.message) : undefined,
    afterReply: (work) => later.push(work),
  }).finally(() => {
    if (later.length > 0) setTimeout(() => later.forEach((work) => work()), 0);
  });
  const result: CallToolResult = { content: [{ type: "text", text: outcome.text }] };
  if (outcome.isError) result.isError = true;
  const output = host.tools.get(name)?.output;
  // Only a tool that declares an outputSchema sends structuredContent, and it always holds the
  // text as well (see TEXT_FIELD). A result that breaks the declared schema would make validating
  // clients reject the call: such a result goes out as text only, and the operator hears about it.
  if (output && outcome.structured && !outcome.isError) {
    if (output.safeParse(outcome.structured).success) {
      result.structuredContent = { ...outcome.structured, text: outcome.text };
    } else options.log?.(`loom mcp: ${name} returned structured content outside its outputSchema`);
  }
  return result;
}

/** The elicitation form: one choice among allow once, allow for this session, deny. */
export const PERMISSION_SCHEMA = {
  type: "object" as const,
  properties: {
    decision: {
      type: "string" as const,
      title: "Allow this call?",
      enum: ["once", "session", "deny"],
      enumNames: ["Allow once", "Allow for this session", "Deny"],
    },
  },
  required: ["decision"],
};

/** An elicitation request's answer, as the SDK returns it. */
export interface ElicitAnswer {
  action: "accept" | "decline" | "cancel";
  content?: Record<string, unknown>;
}

/** Turns permission asks into elicitation requests; anything but an explicit allow is a no. */
export function createElicitingAsker(
  elicit: (message: string, schema: typeof PERMISSION_SCHEMA) => Promise<ElicitAnswer>,
): Asker {
  return async (request: PermissionRequest, decision: Decision): Promise<Answer> => {
    // The client's user approves what this message shows: control, invisible and reordering
    // characters in the command or path are made visible so it cannot hide part of itself.
    const message = `Loom wants to ${safeExact(describeRequest(request))} (${
      safeText(decision.reason)
    })`;
    let answer: ElicitAnswer;
    try {
      answer = await elicit(message, PERMISSION_SCHEMA);
    } catch {
      return "deny";
    }
    if (answer.action !== "accept") return "deny";
    const choice = answer.content?.decision;
    return choice === "once" || choice === "session" ? choice : "deny";
  };
}
