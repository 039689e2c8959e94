// Deno's own file calls, not node:fs: loading node:fs costs ~15 ms at start of every graph command.
import { dirname, isAbsolute, join, resolve } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { LoomError } from "../core/mod.ts";
import { openDatabase } from "./database.ts";
import type { OpenDatabaseOptions } from "./database.ts";

/** Where a project's database lives: `LOOM_DB_PATH` when given, else `<root>/.loom/loom.db`. */
export function projectDatabasePath(root: string, env: Record<string, string> = {}): string {
  const override = env.LOOM_DB_PATH;
  if (override) return isAbsolute(override) ? override : resolve(root, override);
  return join(root, ".loom", "loom.db");
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
  ensureDirectory(path, path === join(root, ".loom", "loom.db"));
  return openDatabase(path, options);
}

function ensureDirectory(path: string, isLoomDir: boolean): void {
  const dir = dirname(path);
  try {
    Deno.mkdirSync(dir, { recursive: true });
    if (isLoomDir && !exists(join(dir, ".gitignore"))) {
      Deno.writeTextFileSync(join(dir, ".gitignore"), "*\n", { createNew: true });
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
