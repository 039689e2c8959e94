import { isLoomError } from "../core/mod.ts";
import type { ErrorCode, PermissionRequest, ToolResult } from "../core/mod.ts";
import type { Asker, Decision, PermissionEngine } from "../permissions/types.ts";
import type { Tool, ToolContext } from "./define.ts";
import { beginCall, endReuse } from "./_files.ts";
import { distance } from "fastest-levenshtein";

/** What the host supplies to run tools: the registry, a context and the permission engine. */
export interface ToolHost {
  tools: ReadonlyMap<string, Tool>;
  context: ToolContext;
  permissions: PermissionEngine;
  /** Asks a person; absent where nobody can answer, and then `ask` means deny. */
  ask?: Asker;
  /** Rules from LOOM.md / .loom.toml not in force until `loom trust`: named when a call is denied. */
  trustPending?: readonly string[];
}

/** A finished call: the result plus why it ended the way it did. */
export interface ToolOutcome extends ToolResult {
  /** Set when the call failed: the LoomError code, or USAGE for unknown tools and bad arguments. */
  code?: ErrorCode;
  /** The permission decision, when one was made. */
  decision?: Decision;
  request?: PermissionRequest;
}

/** Per-call options: cancellation and progress for this call only. */
export interface RunToolOptions {
  signal?: AbortSignal;
  onProgress?: ToolContext["onProgress"];
  afterReply?: ToolContext["afterReply"];
}

/**
 * The one path every tool call takes (CLI, MCP, agent): validate, guard, decide, run.
 * Never throws for expected failures; they come back as `isError` outcomes the model can act on.
 */
export async function runTool(
  host: ToolHost,
  name: string,
  args: unknown,
  options: RunToolOptions = {},
): Promise<ToolOutcome> {
  const tool = host.tools.get(name);
  if (!tool) return failure("USAGE", unknownToolText(name, [...host.tools.keys()]));
  const parsed = tool.input.safeParse(tool.normalize ? tool.normalize(args ?? {}) : args ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join(".") : "arguments";
      return `${where}: ${issue.message}`;
    });
    return failure("USAGE", `Cannot run "${name}": invalid arguments (${problems.join("; ")})`);
  }
  const context: ToolContext = {
    ...host.context,
    signal: options.signal ?? host.context.signal,
    onProgress: options.onProgress ?? host.context.onProgress,
    afterReply: options.afterReply ?? host.context.afterReply,
  };
  beginCall(context);
  let request: PermissionRequest | undefined;
  let decision: Decision | undefined;
  try {
    request = await tool.permission(parsed.data, context);
    decision = await host.permissions.decide(request);
    if (decision.action === "ask") {
      // A person may answer much later: the run resolves its paths afresh.
      endReuse(context);
      decision = await resolveAsk(host, request, decision);
    }
    if (decision.action === "deny") {
      const text = denialText(name, decision) + trustText(host.trustPending);
      return { ...failure("DENIED", text), decision, request };
    }
    if (context.signal.aborted) return failure("CANCELLED", `Cannot run "${name}": cancelled`);
    const result = await tool.run(parsed.data, context);
    return { ...result, decision, request };
  } catch (err) {
    if (isLoomError(err)) return { ...failure(err.code, err.message), decision, request };
    return {
      ...failure("UNAVAILABLE", `Cannot run "${name}": internal error: ${errorText(err)}`),
      decision,
      request,
    };
  }
}

/** The reason of a denial a person gave at the prompt (nothing to explain back to them). */
export const USER_SAID_NO = "the user said no";

async function resolveAsk(
  host: ToolHost,
  request: PermissionRequest,
  decision: Decision,
): Promise<Decision> {
  if (!host.ask) {
    return {
      ...decision,
      action: "deny",
      reason: `${decision.reason}; nobody can answer a permission prompt here`,
    };
  }
  const answer = await host.ask(request, decision);
  if (answer === "deny") return { ...decision, action: "deny", reason: USER_SAID_NO };
  if (answer === "session") host.permissions.grantForSession(request);
  return {
    ...decision,
    action: "allow",
    source: answer === "session" ? "session grant" : "user (once)",
    reason: answer === "session" ? "allowed for this session" : "allowed once",
  };
}

function denialText(name: string, decision: Decision): string {
  const rule = decision.rule ? ` (rule: ${decision.rule}, from ${decision.source})` : "";
  const fix = decision.suggestion ? `; to allow it, ${decision.suggestion}` : "";
  return `Cannot run "${name}": denied: ${decision.reason}${rule}${fix}`;
}

function unknownToolText(name: string, known: string[]): string {
  const near = known
    .map((candidate) => ({ candidate, d: distance(name.toLowerCase(), candidate) }))
    .filter(({ d }) => d <= Math.max(2, Math.floor(name.length / 3)))
    .sort((a, b) => a.d - b.d)[0];
  const hint = near ? `; did you mean "${near.candidate}"?` : ".";
  return `Cannot run "${name}": no such tool${hint} The tools are ${known.join(", ")}`;
}

function trustText(pending: readonly string[] | undefined): string {
  if (!pending || pending.length === 0) return "";
  return `. Note: ${pending.length} rule(s) in LOOM.md / .loom.toml are not in force until ` +
    `you run 'loom trust' (see 'loom trust --status')`;
}

function failure(code: ErrorCode, text: string): ToolOutcome {
  return { text, isError: true, code };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
