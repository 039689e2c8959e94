import { isAbsolute, join } from "node:path";
import { isLoomError } from "../../core/mod.ts";
import type { OpenedHost } from "../../tools/host.ts";
import { ErrorCode, McpError } from "./_sdk.ts";
import { redactSecrets } from "./redact.ts";
import { DECISION_RESOURCES, isDecisionUri, readDecisionResource } from "./decisions.ts";

const FILE_PREFIX = "loom://file/";
const MAX_RESOURCE_BYTES = 5 * 1024 * 1024;
/** JSON-RPC error code MCP uses for an unknown resource. */
export const RESOURCE_NOT_FOUND = -32002;

/** The fixed resources, as listed by `resources/list`. */
export const RESOURCES = [
  {
    uri: "loom://rules",
    name: "rules",
    title: "Rules in effect",
    description: "Project instructions (LOOM.md, AGENTS.md, CLAUDE.md) and the permission rules",
    mimeType: "text/markdown",
  },
  {
    uri: "loom://config",
    name: "config",
    title: "Effective configuration",
    description: "The merged configuration Loom runs with, secrets redacted",
    mimeType: "application/json",
  },
  ...DECISION_RESOURCES,
];

/** The template for project files, read through the same guard and rules as file_read. */
export const FILE_TEMPLATE = {
  uriTemplate: "loom://file/{path}",
  name: "file",
  title: "Project file",
  description: "A file of the project, by project-relative path",
};

/** One resource's contents, as `resources/read` returns them. */
export type ResourceContents =
  | { uri: string; mimeType: string; text: string }
  | { uri: string; mimeType: string; blob: string };

/** The project-relative path named by a `loom://file/...` URI, or null for other URIs. */
export function filePathOf(uri: string): string | null {
  if (!uri.startsWith(FILE_PREFIX)) return null;
  const rest = uri.slice(FILE_PREFIX.length).split("?")[0];
  try {
    return rest.split("/").map(decodeURIComponent).join("/");
  } catch {
    return null;
  }
}

/** The URI of a project file. */
export function fileUri(rel: string): string {
  return FILE_PREFIX + rel.split("/").map(encodeURIComponent).join("/");
}

/** Reads one resource; unknown URIs and refused paths are JSON-RPC errors. */
export async function readResource(opened: OpenedHost, uri: string): Promise<ResourceContents> {
  if (uri === "loom://rules") {
    return { uri, mimeType: "text/markdown", text: renderRules(opened) };
  }
  if (uri === "loom://config") {
    const text = JSON.stringify(redactSecrets(opened.loaded.config), null, 2);
    return { uri, mimeType: "application/json", text };
  }
  if (isDecisionUri(uri)) return await readDecisionResource(opened, uri);
  const path = filePathOf(uri);
  if (path === null) {
    throw new McpError(RESOURCE_NOT_FOUND, `Cannot read "${uri}": no such resource`);
  }
  const abs = await resolveReadable(opened, path);
  let bytes: Uint8Array;
  try {
    const info = await Deno.stat(abs);
    if (!info.isFile) {
      throw new McpError(ErrorCode.InvalidParams, `Cannot read "${path}": not a file`);
    }
    if (info.size > MAX_RESOURCE_BYTES) {
      throw new McpError(
        ErrorCode.InvalidParams,
        `Cannot read "${path}": ${info.size} bytes is over the ${MAX_RESOURCE_BYTES}-byte limit; use file_read with offset and limit`,
      );
    }
    bytes = await Deno.readFile(abs);
  } catch (err) {
    if (err instanceof McpError) throw err;
    if (err instanceof Deno.errors.NotFound) {
      throw new McpError(RESOURCE_NOT_FOUND, `Cannot read "${path}": no such file`);
    }
    throw new McpError(ErrorCode.InvalidParams, `Cannot read "${path}": ${String(err)}`);
  }
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return { uri, mimeType: mimeTypeOf(path), text };
  } catch {
    return { uri, mimeType: "application/octet-stream", blob: toBase64(bytes) };
  }
}

/**
 * The absolute path of a project file a client may read: through the path guard, then the
 * read rules (a file_read of it would be allowed without asking).
 */
export async function resolveReadable(opened: OpenedHost, path: string): Promise<string> {
  const { guard } = opened.host.context;
  let guarded;
  try {
    guarded = await guard.resolveForRead(path);
  } catch (err) {
    if (isLoomError(err)) throw new McpError(ErrorCode.InvalidParams, err.message);
    throw err;
  }
  const decision = await opened.host.permissions.decide({
    kind: "read",
    tool: "file_read",
    paths: [guarded.rel],
  });
  if (decision.action !== "allow") {
    throw new McpError(
      ErrorCode.InvalidParams,
      `Cannot read "${guarded.rel}": denied: ${decision.reason} (rule: ${decision.rule}, from ${decision.source})`,
    );
  }
  return guarded.abs;
}

/** The files whose change alters a resource (for subscriptions). */
export async function watchedPathsOf(opened: OpenedHost, uri: string): Promise<string[]> {
  const root = opened.host.context.guard.root;
  if (uri === "loom://rules" || uri === "loom://config") {
    const known = opened.loaded.files.map((f) => isAbsolute(f.path) ? f.path : join(root, f.path));
    const candidates = ["LOOM.md", "AGENTS.md", "CLAUDE.md", ".loom.toml"].map((f) =>
      join(root, f)
    );
    return [...new Set([...known, ...candidates])];
  }
  const path = filePathOf(uri);
  if (path === null) {
    throw new McpError(RESOURCE_NOT_FOUND, `Cannot subscribe to "${uri}": no such resource`);
  }
  return [await resolveReadable(opened, path)];
}

/** The instructions and permission rules in effect, as Markdown. */
export function renderRules(opened: OpenedHost): string {
  const { config, rules, trust } = opened.loaded;
  const lines = [`# Rules in effect for ${opened.host.context.guard.root}`, ""];
  lines.push(
    trust.pending.length === 0
      ? `Trust: ${trust.recorded ? "trusted" : "nothing waiting for trust"}`
      : `Trust: NOT trusted; these rules wait for 'loom trust':`,
  );
  for (const pending of trust.pending) lines.push(`- ${pending}`);
  lines.push("", "## Permission rules", "");
  const p = config.permissions;
  lines.push(`- auto_approve: ${p.auto_approve}`);
  for (const [name, list] of [["allow", p.allow], ["ask", p.ask], ["deny", p.deny]] as const) {
    lines.push(`- ${name}: ${list.length > 0 ? list.join(", ") : "(none)"}`);
  }
  const fromRules: [string, string[]][] = [
    ["Shell", rules.shell],
    ["File Write", rules.fileWrite],
    ["File Write Denied", rules.fileWriteDenied],
    ["File Read Denied", rules.fileReadDenied],
  ];
  for (const [name, list] of fromRules) {
    if (list.length > 0) lines.push(`- ${name} (LOOM.md): ${list.join(", ")}`);
  }
  if (rules.errors.length > 0) {
    lines.push("", "## Problems (every mutating call is denied until fixed)", "");
    for (const e of rules.errors) lines.push(`- ${e.file}:${e.line}: ${e.message}`);
  }
  for (const item of rules.instructions) {
    lines.push("", `## Instructions from ${item.source}`, "", item.text.trim());
  }
  return lines.join("\n") + "\n";
}

const MIME: Record<string, string> = {
  md: "text/markdown",
  json: "application/json",
  ts: "text/typescript",
  tsx: "text/typescript",
  js: "text/javascript",
  mjs: "text/javascript",
  html: "text/html",
  css: "text/css",
  py: "text/x-python",
  toml: "application/toml",
  yaml: "application/yaml",
  yml: "application/yaml",
};

function mimeTypeOf(path: string): string {
  const ext = path.includes(".") ? path.split(".").pop()!.toLowerCase() : "";
  return MIME[ext] ?? "text/plain";
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
