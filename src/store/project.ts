// Deno's own file calls, not node:fs, and string paths, not node:path: loading either costs every
// graph command milliseconds at start. Paths here are POSIX (Loom runs on Linux and macOS).
import type { DatabaseSync } from "node:sqlite";
import { LoomError } from "../core/mod.ts";
import { openDatabase } from "./database.ts";
import type { OpenDatabaseOptions } from "./database.ts";

/** Where a project's database lives: `LOOM_DB_PATH` when given, else `<root>/.loom/loom.db`. */
export function projectDatabasePath(root: string, env: Record<string, string> = {}): string {
  const override = env.LOOM_DB_PATH;
  if (override) return override.startsWith("/") ? override : normalize(`${root}/${override}`);
  return `${root}/.loom/loom.db`;
}

/**
 * Opens the project's database, creating `.loom/` (with a `.gitignore` of `*`) on first use.
 * A read-only open of a missing file throws NOT_FOUND instead of creating anything.
 */
export function openProjectDatabase(
  root: string,
  options: OpenDatabaseOptions & { env?: Record<string, string> } = {},
): DatabaseSync {
  const path = projectDatabasePath(root, options.env);
  if (options.readonly) {
    if (!exists(path)) {
      throw new LoomError("NOT_FOUND", `Cannot open the database "${path}": it does not exist yet`);
    }
    return openDatabase(path, options);
  }
  ensureDirectory(path, path === `${root}/.loom/loom.db`);
  return openDatabase(path, options);
}

function ensureDirectory(path: string, isLoomDir: boolean): void {
  const dir = path.slice(0, path.lastIndexOf("/")) || "/";
  try {
    Deno.mkdirSync(dir, { recursive: true });
    if (isLoomDir && !exists(`${dir}/.gitignore`)) {
      Deno.writeTextFileSync(`${dir}/.gitignore`, "*\n", { createNew: true });
    }
  } catch (cause) {
    if (cause instanceof Deno.errors.AlreadyExists) return;
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new LoomError(
      "UNAVAILABLE",
      `Cannot create "${dir}": ${why}; make the directory writable or set LOOM_DB_PATH`,
      { cause },
    );
  }
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Drops `.`, empty and resolvable `..` segments; a relative path stays relative. */
function normalize(path: string): string {
  const absolute = path.startsWith("/");
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === ".." && parts.length > 0 && parts.at(-1) !== "..") parts.pop();
    else if (part !== ".." || !absolute) parts.push(part);
  }
  return (absolute ? "/" : "") + (parts.join("/") || (absolute ? "" : "."));
}
