import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { LoomError, toPosix } from "../core/mod.ts";
import { realProjectRoot } from "./project_root.ts";

/** A path that passed the guard. `abs` is the real (symlink-free) location to operate on. */
export interface GuardedPath {
  abs: string;
  /** Project-relative, POSIX separators; "." for the root itself. */
  rel: string;
  exists: boolean;
}

/** Directory names no tool may write into, at any depth. */
const PROTECTED_DIRS = new Set([".git", ".loom"]);
/** Root files no tool may write. */
const PROTECTED_ROOT_FILES = new Set(["loom.md", ".loom.toml"]);
const MAX_LINK_HOPS = 40;

/**
 * Resolves tool paths against one project root and refuses anything that leaves it.
 *
 * @example
 * const guard = await createPathGuard("/work/app");
 * await guard.resolveForWrite("../etc/passwd"); // throws LoomError OUTSIDE_PROJECT
 */
export class PathGuard {
  /** The project root, realpath'd. */
  readonly root: string;
  /** The root as the host spelled it, when that differs (e.g. /var vs /private/var on macOS). */
  readonly #alias: string | undefined;

  constructor(realRoot: string, spelledRoot?: string) {
    this.root = realRoot;
    this.#alias = spelledRoot !== undefined && spelledRoot !== realRoot ? spelledRoot : undefined;
  }

  /** Resolves a path for reading or listing; the root itself is allowed. */
  resolveForRead(path: string): Promise<GuardedPath> {
    return this.#resolve(path, "read");
  }

  /** Resolves a path for writing; protected paths are refused with PROTECTED_PATH. */
  async resolveForWrite(path: string): Promise<GuardedPath> {
    const guarded = await this.#resolve(path, "write");
    if (guarded.rel === ".") {
      throw new LoomError("INVALID_INPUT", `Cannot write "${path}": it is the project root`);
    }
    const lexicalRel = toPosix(relative(this.root, resolve(this.root, path)));
    if (isProtected(guarded.rel) || isProtected(lexicalRel)) {
      throw new LoomError(
        "PROTECTED_PATH",
        `Cannot write "${path}": .git/, .loom/, LOOM.md and .loom.toml are never written by a tool`,
      );
    }
    return guarded;
  }

  /** Project-relative POSIX form of an absolute path known to be inside the root. */
  relativeOf(abs: string): string {
    // Only Windows separators are converted: on POSIX a backslash is part of a file name.
    const rel = sep === "/" ? relative(this.root, abs) : toPosix(relative(this.root, abs));
    return rel === "" ? "." : rel;
  }

  /** True when `abs` (already real) is the root or beneath it. */
  contains(abs: string): boolean {
    return isUnder(abs, this.root);
  }

  async #resolve(path: string, verb: "read" | "write"): Promise<GuardedPath> {
    if (typeof path !== "string" || path.length === 0) {
      throw new LoomError("INVALID_INPUT", `Cannot ${verb} "": the path is empty`);
    }
    if (path.includes("\0")) {
      throw outside(path, verb, "it contains a NUL byte");
    }
    let lexical = isAbsolute(path) ? resolve(path) : resolve(this.root, path);
    if (this.#alias !== undefined && isUnder(lexical, this.#alias)) {
      lexical = join(this.root, relative(this.#alias, lexical));
    }
    if (!this.contains(lexical)) throw outside(path, verb, "it is outside the project");

    const real = await this.#realLocation(lexical, path, verb);
    if (!this.contains(real.abs)) {
      throw outside(path, verb, "it resolves through a symlink to outside the project");
    }
    return { abs: real.abs, rel: this.relativeOf(real.abs), exists: real.exists };
  }

  /** Realpath of the path, or of its nearest existing parent joined with the rest. */
  async #realLocation(
    lexical: string,
    original: string,
    verb: string,
    hops = { left: MAX_LINK_HOPS },
  ): Promise<{ abs: string; exists: boolean }> {
    let current = lexical;
    while (hops.left-- > 0) {
      try {
        // Synchronous: a realpath takes microseconds, an async op's thread hop ten times that.
        return { abs: Deno.realPathSync(current), exists: true };
      } catch (err) {
        if (!(err instanceof Deno.errors.NotFound)) throw mapFsError(err, original, verb);
      }
      // Missing, or a dangling symlink: follow the link by hand so its target is checked too.
      const link = readLinkOrNull(current);
      if (link !== null) {
        current = resolve(dirname(current), link);
        continue;
      }
      const parent = await this.#nearestExistingParent(current, original, verb, hops);
      return { abs: join(parent.real, relative(parent.lexical, current)), exists: false };
    }
    throw outside(original, verb, "it has too many levels of symlinks");
  }

  /**
   * The nearest ancestor of `lexical` that exists, with its real location. A dangling symlinked
   * directory on the way is followed to where it points (through any further links), so the
   * caller's containment check sees the place a write would really land.
   */
  async #nearestExistingParent(
    lexical: string,
    original: string,
    verb: string,
    hops: { left: number },
  ): Promise<{ lexical: string; real: string }> {
    let dir = dirname(lexical);
    while (true) {
      try {
        return { lexical: dir, real: Deno.realPathSync(dir) };
      } catch (err) {
        if (!(err instanceof Deno.errors.NotFound)) throw mapFsError(err, original, verb);
        const link = readLinkOrNull(dir);
        if (link !== null) {
          const target = await this.#realLocation(
            resolve(dirname(dir), link),
            original,
            verb,
            hops,
          );
          return { lexical: dir, real: target.abs };
        }
        const up = dirname(dir);
        if (up === dir) throw outside(original, verb, "no part of it exists");
        dir = up;
      }
    }
  }
}

/**
 * Creates a guard rooted at the realpath of `root` (absolute paths spelled via `root` work too).
 * A root that is not an existing directory is a LoomError (see realProjectRoot), never a crash.
 */
export async function createPathGuard(root: string): Promise<PathGuard> {
  return new PathGuard(await realProjectRoot(root), resolve(root));
}

function isUnder(abs: string, dir: string): boolean {
  return abs === dir || abs.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

/** True for project-relative POSIX paths that no tool may write. */
export function isProtected(rel: string): boolean {
  const parts = rel.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.length === 0) return false;
  if (parts.some((p) => PROTECTED_DIRS.has(p.toLowerCase()))) return true;
  return parts.length === 1 && PROTECTED_ROOT_FILES.has(parts[0].toLowerCase());
}

function readLinkOrNull(path: string): string | null {
  try {
    const info = Deno.lstatSync(path);
    return info.isSymlink ? Deno.readLinkSync(path) : null;
  } catch {
    return null;
  }
}

function outside(path: string, verb: string, why: string): LoomError {
  const shown = path.replaceAll("\0", "\\0");
  return new LoomError("OUTSIDE_PROJECT", `Cannot ${verb} "${shown}": ${why}`);
}

function mapFsError(err: unknown, path: string, verb: string): LoomError {
  if (err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied) {
    return new LoomError("DENIED", `Cannot ${verb} "${path}": permission denied`, { cause: err });
  }
  return new LoomError("INVALID_INPUT", `Cannot ${verb} "${path}": ${String(err)}`, {
    cause: err,
  });
}
