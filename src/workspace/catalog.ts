import { join } from "node:path";
import { LoomError } from "../core/mod.ts";
import {
  ALWAYS_SKIPPED,
  type DirRules,
  IGNORE_FILES,
  IgnoreRules,
  isHiddenName,
  isIgnoredBy,
} from "./ignore_rules.ts";

/** One file or directory the catalog lets through. */
export interface CatalogEntry {
  /** Project-relative POSIX path (through symlinks, as the user sees it). */
  rel: string;
  /** Absolute path to open (lexical: may pass through an in-project symlink). */
  abs: string;
  name: string;
  isDir: boolean;
}

/** What the catalog lets through. */
export interface CatalogOptions {
  /** Include dot-named files and directories (`.git/` and `.loom/` stay out). */
  includeHidden?: boolean;
  /** Project-relative paths to leave out (read-denied by a rule). */
  isDenied?: (rel: string) => boolean;
  /** Follow symlinks whose real target stays inside the project (default true). */
  followSymlinks?: boolean;
  /** Extra filter on directories (project-relative); false leaves the directory out. */
  keepDir?: (rel: string) => boolean;
}

/** Options for one walk. */
export interface WalkOptions {
  signal?: AbortSignal;
  /** 1 = only the direct children of the start directory. */
  maxDepth?: number;
  /** Also yield directories (before their contents). */
  dirs?: boolean;
}

/** Give timers and abort events a turn this often (ms): reads are synchronous, for speed. */
const YIELD_EVERY_MS = 40;
const TEXT_IGNORE_FILES = new Set<string>(IGNORE_FILES);

interface DirFrame {
  rel: string;
  abs: string;
  /** Real location, for symlink loop detection. */
  real: string;
  chain: DirRules[];
  depth: number;
}

/**
 * A .gitignore-aware view of the project's files, like ripgrep's walker: `.gitignore`, `.ignore`,
 * `.rgignore` at any depth and `.git/info/exclude` are honoured; hidden entries are skipped
 * unless asked; symlinks are followed only when their real target stays inside the project.
 */
export class Catalog {
  readonly root: string;
  readonly rules: IgnoreRules;
  #options: CatalogOptions;

  constructor(root: string, options: CatalogOptions = {}) {
    this.root = root;
    this.rules = new IgnoreRules(root);
    this.#options = options;
  }

  /** The entries of one directory (project-relative `dirRel`), unsorted. */
  list(dirRel: string): Promise<CatalogEntry[]> {
    try {
      return Promise.resolve(this.#list(dirRel));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  #list(dirRel: string): CatalogEntry[] {
    const abs = dirRel === "." ? this.root : join(this.root, dirRel);
    const frame: DirFrame = {
      rel: dirRel,
      abs,
      real: Deno.realPathSync(abs), // Sync: an async op's thread hop costs ten times more.
      chain: this.#parentChain(dirRel),
      depth: 0,
    };
    const out: CatalogEntry[] = [];
    this.#readDir(frame, (entry) => out.push(entry.entry));
    return out;
  }

  /** Streams every entry under `startRel` (a directory), depth first, unsorted. */
  async *walk(startRel: string, options: WalkOptions = {}): AsyncGenerator<CatalogEntry> {
    for await (const batch of this.walkBatches(startRel, options)) {
      for (const entry of batch) yield entry;
    }
  }

  /**
   * Like walk, one directory's entries at a time: a consumer of a large tree then pays one async
   * step per directory instead of one per file (about half the time of a 50,000-file walk).
   */
  async *walkBatches(startRel: string, options: WalkOptions = {}): AsyncGenerator<CatalogEntry[]> {
    const { signal, maxDepth = Infinity, dirs = false } = options;
    const startAbs = startRel === "." ? this.root : join(this.root, startRel);
    const stack: DirFrame[] = [{
      rel: startRel,
      abs: startAbs,
      real: await Deno.realPath(startAbs),
      chain: this.#parentChain(startRel),
      depth: 0,
    }];
    let lastYield = performance.now();
    while (stack.length > 0) {
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await new Promise((r) => setTimeout(r, 0));
        lastYield = performance.now();
      }
      throwIfAborted(signal, startRel);
      const frame = stack.pop()!;
      const found: { entry: CatalogEntry; real: string }[] = [];
      const chain = this.#readDir(frame, (e) => found.push(e));
      const batch: CatalogEntry[] = [];
      for (const { entry, real } of found) {
        if (entry.isDir) {
          if (dirs) batch.push(entry);
          if (frame.depth + 1 < maxDepth) {
            stack.push({ rel: entry.rel, abs: entry.abs, real, chain, depth: frame.depth + 1 });
          }
        } else {
          batch.push(entry);
        }
      }
      if (batch.length > 0) yield batch;
    }
  }

  /** Reads one directory, applying every rule; returns the rule chain for its children. */
  #readDir(
    frame: DirFrame,
    emit: (e: { entry: CatalogEntry; real: string }) => void,
  ): DirRules[] {
    const { includeHidden = false, isDenied, followSymlinks = true, keepDir } = this.#options;
    let listing: Deno.DirEntry[];
    try {
      listing = Array.from(Deno.readDirSync(frame.abs));
    } catch {
      return frame.chain; // Vanished or unreadable: nothing to list.
    }
    const present = new Set<string>();
    for (const e of listing) if (TEXT_IGNORE_FILES.has(e.name)) present.add(e.name);
    const chain = [...frame.chain, this.rules.rulesOf(frame.rel, present)];
    const prefix = frame.rel === "." ? "" : frame.rel + "/";
    for (const e of listing) {
      const name = e.name;
      if (!includeHidden && isHiddenName(name)) continue;
      let isDir = e.isDirectory;
      let real = frame.real + "/" + name;
      const abs = frame.abs + "/" + name;
      if (e.isSymlink) {
        if (!followSymlinks) continue;
        const target = this.#insideTarget(abs);
        if (target === null) continue;
        isDir = target.isDir;
        real = target.real;
        // A link back to an ancestor would loop forever.
        if (isDir && (frame.real === real || frame.real.startsWith(real + "/"))) continue;
      } else if (!isDir && !e.isFile) {
        continue; // Sockets, fifos, devices.
      }
      if (isDir && ALWAYS_SKIPPED.has(name)) continue;
      const rel = prefix + name;
      if (isIgnoredBy(chain, rel, isDir)) continue;
      if (isDenied?.(rel)) continue;
      if (isDir && keepDir !== undefined && !keepDir(rel)) continue;
      emit({ entry: { rel, abs, name, isDir }, real });
    }
    return chain;
  }

  #parentChain(dirRel: string): DirRules[] {
    return dirRel === "." ? [] : this.rules.chainTo(parentOf(dirRel));
  }

  #insideTarget(abs: string): { real: string; isDir: boolean } | null {
    try {
      const real = Deno.realPathSync(abs);
      if (real !== this.root && !real.startsWith(this.root + "/")) return null;
      const info = Deno.statSync(real);
      if (!info.isDirectory && !info.isFile) return null;
      return { real, isDir: info.isDirectory };
    } catch {
      return null; // Dangling link.
    }
  }
}

/** Creates a catalog of the project at `root` (a realpath, e.g. `guard.root`). */
export function createCatalog(root: string, options: CatalogOptions = {}): Catalog {
  return new Catalog(root, options);
}

/**
 * A check for results found by another walker (ripgrep with `-g`, whose globs override ignore
 * files): true when a project-relative file under `startRel` is hidden (unless included), under
 * `.git/` or `.loom/`, or ignored. Only segments below `startRel` are judged, as rg does.
 */
export function createExclusionCheck(
  root: string,
  startRel: string,
  options: { includeHidden: boolean },
): (rel: string) => boolean {
  const rules = new IgnoreRules(root);
  const dirs = new Map<string, boolean>();
  const startDepth = startRel === "." ? 0 : startRel.split("/").length;
  const excluded = (rel: string, isDir: boolean): boolean => {
    const cut = rel.lastIndexOf("/");
    const parent = cut === -1 ? "." : rel.slice(0, cut);
    const depth = rel.split("/").length;
    if (depth <= startDepth) return false;
    if (parent !== "." && depth - 1 > startDepth && excludedDir(parent)) return true;
    const name = rel.slice(cut + 1);
    if (!options.includeHidden && isHiddenName(name)) return true;
    if (isDir && ALWAYS_SKIPPED.has(name)) return true;
    return isIgnoredBy(rules.chainTo(parent), rel, isDir);
  };
  const excludedDir = (rel: string): boolean => {
    let result = dirs.get(rel);
    if (result === undefined) {
      result = excluded(rel, true);
      dirs.set(rel, result);
    }
    return result;
  };
  return (rel) => excluded(rel, false);
}

function parentOf(rel: string): string {
  const cut = rel.lastIndexOf("/");
  if (rel === "." || rel === "") return ".";
  return cut === -1 ? "." : rel.slice(0, cut);
}

function throwIfAborted(signal: AbortSignal | undefined, rel: string): void {
  if (signal?.aborted) {
    throw new LoomError("CANCELLED", `Cannot walk "${rel}": the call was cancelled`);
  }
}
