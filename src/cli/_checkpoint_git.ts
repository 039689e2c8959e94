// The git and file system plumbing of tree checkpoints: list what git sees, hash files raw
// into the object database, read a blob back as bytes, compare stat data.
import { gitError, type Repo, runGit } from "../tools/git_runner.ts";
import type { ToolContext } from "../tools/define.ts";
import { LoomError } from "../core/mod.ts";
import { isProtected } from "../workspace/mod.ts";

const LIST_OUTPUT_BYTES = 64 * 1024 * 1024;
const HASH_BATCH = 500;

/** What identifies an unchanged file between two looks (like git's index stat data). */
export interface StatKey {
  mtime: number;
  ctime: number;
  ino: number;
  size: number;
  mode: number;
}

/** Every file git sees, minus protected paths; undefined when there are more than `max`. */
export async function listFiles(
  ctx: ToolContext,
  repo: Repo,
  max: number,
): Promise<string[] | undefined> {
  const args = ["ls-files", "-z", "--cached", "--others", "--exclude-standard"];
  const result = await runGit(ctx, args, {
    mutating: false,
    maxOutputBytes: LIST_OUTPUT_BYTES,
  }, repo);
  if (result.code !== 0) throw gitError("ls-files", result);
  if (result.droppedBytes > 0) return undefined;
  // Unmerged paths come once per stage; "dir/" is an untracked nested repository.
  const paths = [...new Set(result.stdout.split("\0"))]
    .filter((rel) => rel !== "" && !rel.endsWith("/") && !isProtected(rel));
  return paths.length > max ? undefined : paths;
}

/** Blob ids of the files at `rels`, raw bytes hashed; `write` stores them. */
export async function hashFiles(
  ctx: ToolContext,
  repo: Repo,
  rels: string[],
  write: boolean,
): Promise<string[]> {
  const oids: string[] = [];
  for (let i = 0; i < rels.length; i += HASH_BATCH) {
    const batch = rels.slice(i, i + HASH_BATCH);
    const args = ["hash-object", ...(write ? ["-w"] : []), "--no-filters", "--", ...batch];
    const result = await runGit(ctx, args, {
      mutating: write,
      maxOutputBytes: batch.length * 80 + 4096,
    }, repo);
    if (result.code !== 0) throw gitError("hash-object", result);
    const lines = result.stdout.trim().split("\n");
    if (lines.length !== batch.length) {
      throw new LoomError("GIT", `Cannot checkpoint the working tree: git hashed an odd count`);
    }
    oids.push(...lines);
  }
  return oids;
}

/** The raw bytes of a blob. */
export async function readBlob(ctx: ToolContext, repo: Repo, oid: string): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const result = await runGit(ctx, ["cat-file", "blob", oid], {
    mutating: false,
    maxOutputBytes: 4096,
    onOutput: (stream, chunk) => {
      if (stream === "stdout") chunks.push(chunk.slice());
    },
  }, repo);
  if (result.code !== 0) throw gitError("cat-file", result);
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

export async function lstatOrNull(abs: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.lstat(abs);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory) {
      return null;
    }
    throw err;
  }
}

export function statKey(info: Deno.FileInfo): StatKey {
  return {
    mtime: info.mtime?.getTime() ?? 0,
    ctime: info.ctime?.getTime() ?? 0,
    ino: info.ino ?? 0,
    size: info.size,
    mode: info.mode ?? 0,
  };
}

export function sameStat(a: StatKey, b: StatKey): boolean {
  return a.mtime === b.mtime && a.ctime === b.ctime && a.ino === b.ino && a.size === b.size &&
    a.mode === b.mode;
}

/** Runs `fn` over `items`, a few at a time. */
export async function forEach<T>(items: T[], fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += 64) await Promise.all(items.slice(i, i + 64).map(fn));
}
