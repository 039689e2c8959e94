import { LoomError } from "../core/mod.ts";
import type { ToolContext } from "./define.ts";

const MAX_REF = 256;

/**
 * Checks a revision given as a field: it can never be read as an option (no leading "-"),
 * carries no control characters, and names a commit rather than a blob (`rev:path` is only
 * accepted where {@link splitRevPath} guards the path).
 */
export function checkRef(value: string, field: string, allowPath = false): string {
  if (value.length === 0 || value.length > MAX_REF) {
    throw invalid(field, value, `it must be 1 to ${MAX_REF} characters`);
  }
  if (value.startsWith("-")) {
    throw invalid(field, value, "it starts with '-', which git would read as an option");
  }
  if (hasControl(value)) throw invalid(field, value, "it has control characters");
  if (!allowPath && value.includes(":")) {
    throw invalid(field, value, "a revision here may not contain ':'; name a commit or branch");
  }
  if (value.startsWith(":")) {
    throw invalid(field, value, "index and search revisions (':...') are not supported");
  }
  return value;
}

/** Checks a branch name given as a field (git checks the rest of its syntax). */
export function checkBranch(value: string, field: string): string {
  checkRef(value, field);
  if (/\s/.test(value)) throw invalid(field, value, "a branch name has no spaces");
  return value;
}

/** Checks a free-text message (commit, stash): not empty, no NUL. */
export function checkMessage(value: string, field: string): string {
  if (value.trim() === "") {
    throw new LoomError("INVALID_INPUT", `Cannot use ${field} "": it is empty; write a message`);
  }
  if (value.includes("\0")) throw invalid(field, "(message)", "it contains a NUL byte");
  return value;
}

/** Project-relative pathspecs for reading: guarded, no leading "-". */
export function readPaths(ctx: ToolContext, paths: string[] | undefined): Promise<string[]> {
  return guardPaths(ctx, paths ?? [], "read");
}

/** Project-relative pathspecs for writing: guarded, protected paths refused. */
export function writePaths(ctx: ToolContext, paths: string[] | undefined): Promise<string[]> {
  return guardPaths(ctx, paths ?? [], "write");
}

async function guardPaths(
  ctx: ToolContext,
  paths: string[],
  mode: "read" | "write",
): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    if (path.startsWith("-")) {
      throw invalid("path", path, "it starts with '-'; write it as ./" + path);
    }
    const guarded = mode === "read"
      ? await ctx.guard.resolveForRead(path)
      : await ctx.guard.resolveForWrite(path);
    out.push(guarded.rel);
  }
  return out;
}

/** Refuses a path the project's read rules deny. */
export function assertReadable(ctx: ToolContext, rel: string): void {
  if (ctx.isReadDenied(rel)) {
    throw new LoomError(
      "DENIED",
      `Cannot read "${rel}" through git: a read rule of this project denies it`,
    );
  }
}

/**
 * Splits `rev:path` into a checked revision and a guarded, project-relative path that git
 * reads relative to the working directory (`rev:./path`).
 */
export async function splitRevPath(
  ctx: ToolContext,
  value: string,
): Promise<{ rev: string; path?: string; spec: string }> {
  checkRef(value, "ref", true);
  const colon = value.indexOf(":");
  if (colon < 0) return { rev: value, spec: value };
  const rev = checkRef(value.slice(0, colon), "ref");
  const [path] = await readPaths(ctx, [value.slice(colon + 1) || "."]);
  assertReadable(ctx, path);
  return { rev, path, spec: `${rev}:./${path === "." ? "" : path}` };
}

function hasControl(value: string): boolean {
  return [...value].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
}

function invalid(field: string, value: string, why: string): LoomError {
  return new LoomError("INVALID_INPUT", `Cannot use ${field} "${value}": ${why}`);
}
