import type { z } from "zod";

/** MCP tool annotations; the same hints guide the agent's permission prompts. */
export interface ToolAnnotations {
  title: string;
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

/** What a tool returns: text for the model, optional structured data for programs. */
export interface ToolResult {
  text: string;
  isError?: boolean;
  /** For `loom tool --json`, and MCP's structuredContent (with the text) when `output` is set. */
  structured?: Record<string, unknown>;
}

/** Progress of a long tool, forwarded to MCP `notifications/progress` or the terminal. */
export interface ProgressUpdate {
  progress: number;
  total?: number;
  message?: string;
}

/**
 * What a call asks permission for. The permission engine decides allow / ask / deny from it.
 * `paths` are project-relative, POSIX separators, already through the path guard.
 */
export type PermissionRequest =
  | { kind: "read"; tool: string; paths: string[] }
  | { kind: "write"; tool: string; paths: string[] }
  | { kind: "shell"; tool: string; command: string }
  | { kind: "git"; tool: string; operation: string; mutating: boolean; paths: string[] };

/** A tool definition, generic over the context its host supplies. */
export interface ToolSpec<Input, Ctx> {
  name: string;
  description: string;
  input: z.ZodType<Input>;
  /**
   * Rewrites well-known foreign call shapes into this tool's own before validation (e.g. a
   * Claude Code style `{file_path, old_string, new_string}` edit). Never widens what is allowed.
   */
  normalize?(raw: unknown): unknown;
  /**
   * The shape of `structured` on success; MCP lists it (plus `text`) as the tool's outputSchema.
   * Left out where the text is the result and a copy of it would only double every reply.
   */
  output?: z.ZodType;
  annotations: ToolAnnotations;
  /** What this call needs permission for; throws LoomError for paths the guard refuses. */
  permission(input: Input, ctx: Ctx): Promise<PermissionRequest> | PermissionRequest;
  run(input: Input, ctx: Ctx): Promise<ToolResult>;
}
