// No node:path here: `loom graph` loads this file, and every millisecond of its start-up counts.
import { LoomError } from "../core/errors.ts";

/**
 * The realpath of a project root, which must be an existing directory. Every front end asks
 * here before it opens, creates or serves anything, so a mistyped `--project` never leaves a
 * directory behind.
 *
 * @example
 * await realProjectRoot("/nonexistent");
 * // throws LoomError NOT_FOUND: Cannot open the project "/nonexistent": no such directory; check --project
 */
export function realProjectRoot(path: string, verb = "open the project"): Promise<string> {
  try {
    return Promise.resolve(realProjectRootSync(path, verb));
  } catch (err) {
    return Promise.reject(err);
  }
}

function realProjectRootSync(path: string, verb: string): string {
  let real: string;
  let isDirectory: boolean;
  try {
    // Synchronous: two lookups take microseconds, where async ops each cost a thread hop.
    real = Deno.realPathSync(path);
    isDirectory = Deno.statSync(real).isDirectory;
  } catch (cause) {
    const missing = cause instanceof Deno.errors.NotFound ||
      cause instanceof Deno.errors.NotADirectory;
    throw new LoomError(
      missing ? "NOT_FOUND" : "DENIED",
      `Cannot ${verb} "${path}": ${
        missing ? "no such directory" : fsReason(cause)
      }; check --project`,
      { cause },
    );
  }
  if (!isDirectory) {
    throw new LoomError(
      "INVALID_INPUT",
      `Cannot ${verb} "${path}": not a directory; check --project`,
    );
  }
  return real;
}

/** Why a file-system call failed, in a few lowercase words ("read-only file system"). */
export function fsReason(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === "EROFS") return "read-only file system";
  if (code === "ENOSPC") return "no space left on the device";
  if (code === "EDQUOT") return "disk quota exceeded";
  if (err instanceof Deno.errors.NotFound) return "no such file or directory";
  if (err instanceof Deno.errors.NotADirectory) return "a part of the path is not a directory";
  if (err instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (err instanceof Deno.errors.NotCapable) return "Deno's permissions do not allow it";
  const message = err instanceof Error ? err.message : String(err);
  // "Read-only file system (os error 30): mkdir '/x'" → "read-only file system"
  const head = message.replace(/\s*\(os error \d+\).*$/s, "");
  return head.charAt(0).toLowerCase() + head.slice(1);
}

/** True when `err` says the file system is mounted read-only. */
export function isReadOnlyFs(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === "EROFS";
}
