// Whole-tree checkpoints in a git repository. Before a turn's first change, every file git sees
// (tracked, or untracked and not ignored) is stored raw (no filters, no line-ending conversion) as
// a blob in the repository's object database and listed in memory; undo writes back what differs
// and removes what the turn added. Only `ls-files`, `hash-object --no-filters` and `cat-file blob`
// run, through the git tool's hardened runner: HEAD, the index, refs and config are never
// touched and no hook or filter runs; git only adds (unreferenced) objects to .git/objects.
import { dirname, join } from "node:path";
import { isLoomError, LoomError } from "../core/mod.ts";
import type { ToolContext } from "../tools/define.ts";
import { openRepo, type Repo } from "../tools/git_runner.ts";
import { isProtected } from "../workspace/mod.ts";
import {
  forEach,
  hashFiles,
  listFiles,
  lstatOrNull,
  readBlob,
  sameStat,
  type StatKey,
  statKey,
} from "./_checkpoint_git.ts";

/** How large a tree a checkpoint covers before it gives up (and says so). */
export interface TreeLimits {
  /** Files listed by git. */
  maxFiles: number;
  /** Bytes of new or changed files to store in one checkpoint. */
  maxBytes: number;
}

/** Defaults: big enough for most projects, small enough to take a second or two. */
export const TREE_LIMITS: TreeLimits = { maxFiles: 20_000, maxBytes: 256 * 1024 * 1024 };

/** One file of a snapshot: a regular file's blob and permission bits, or a symlink's target. */
export type TreeEntry =
  | { kind: "file"; oid: string; perm: number; stat?: StatKey }
  | { kind: "link"; target: string };

/** The working tree's files at one moment, by project-relative path. */
export interface TreeSnapshot {
  entries: Map<string, TreeEntry>;
}

/** A snapshot, or why none was taken. */
export type SnapshotOutcome = { snapshot: TreeSnapshot } | { skipped: string };

/** What a restore did; `seen` is every path git listed once ignore files were put back. */
export interface TreeRestore {
  restored: string[];
  removed: string[];
  failed: string[];
  seen: Set<string>;
}

/** Files modified this close to a snapshot may change again within the clock's resolution. */
const RACY_MS = 2_000;

/** Snapshots the working tree; a non-repository, a subfolder of one or a huge tree is `skipped`. */
export async function snapshotTree(
  ctx: ToolContext,
  options: { previous?: TreeSnapshot; now: () => number; limits?: TreeLimits },
): Promise<SnapshotOutcome> {
  const limits = options.limits ?? TREE_LIMITS;
  try {
    const repo = await openRepo(ctx, "checkpoint", true);
    const started = options.now();
    const paths = await listFiles(ctx, repo, limits.maxFiles);
    if (paths === undefined) {
      return { skipped: `the working tree has more than ${limits.maxFiles} files` };
    }
    const entries = new Map<string, TreeEntry>();
    const toHash: { rel: string; stat: StatKey }[] = [];
    let bytes = 0;
    await forEach(paths, async (rel) => {
      const abs = join(ctx.guard.root, rel);
      const info = await lstatOrNull(abs);
      if (info?.isSymlink) entries.set(rel, { kind: "link", target: await Deno.readLink(abs) });
      if (!info?.isFile) return;
      const stat = statKey(info);
      const old = options.previous?.entries.get(rel);
      if (old?.kind === "file" && old.stat && sameStat(old.stat, stat)) {
        entries.set(rel, old);
        return;
      }
      toHash.push({ rel, stat });
      bytes += stat.size;
    });
    if (bytes > limits.maxBytes) {
      const mb = Math.round(limits.maxBytes / 1024 / 1024);
      return { skipped: `the working tree's new and changed files exceed ${mb} MB` };
    }
    const oids = await hashFiles(ctx, repo, toHash.map((f) => f.rel), true);
    toHash.forEach(({ rel, stat }, i) => {
      const trusted = stat.mtime < started - RACY_MS && stat.ctime < started - RACY_MS;
      entries.set(rel, {
        kind: "file",
        oid: oids[i],
        perm: stat.mode & 0o777,
        ...(trusted ? { stat } : {}),
      });
    });
    return { snapshot: { entries } };
  } catch (err) {
    if (!isLoomError(err) || err.code === "CANCELLED") throw err;
    return { skipped: reasonOf(err) };
  }
}

/** Puts the working tree back as `snapshot` holds it: changed and deleted files, added files. */
export async function restoreTree(ctx: ToolContext, snapshot: TreeSnapshot): Promise<TreeRestore> {
  const repo = await openRepo(ctx, "checkpoint", true);
  const done: TreeRestore = { restored: [], removed: [], failed: [], seen: new Set() };
  const isIgnoreFile = (rel: string) => rel === ".gitignore" || rel.endsWith("/.gitignore");
  // Ignore files first, so that the listing of added files uses the rules of the snapshot: a
  // file the turn un-ignored (and that existed before) must not be taken for an added one.
  let listed = await listFiles(ctx, repo, Infinity) ?? [];
  const addedIgnores = listed.filter((rel) => isIgnoreFile(rel) && !snapshot.entries.has(rel));
  await removeAdded(ctx, snapshot, addedIgnores, done);
  const ignores = [...snapshot.entries].filter(([rel]) => isIgnoreFile(rel));
  await restoreEntries(ctx, repo, ignores, done);
  if (addedIgnores.length > 0 || done.restored.length > 0) {
    listed = await listFiles(ctx, repo, Infinity) ?? [];
  }
  for (const rel of listed) done.seen.add(rel);
  const added = listed.filter((rel) => !snapshot.entries.has(rel));
  await removeAdded(ctx, snapshot, added, done);
  await restoreEntries(ctx, repo, [...snapshot.entries].filter(([r]) => !isIgnoreFile(r)), done);
  done.restored.sort();
  done.removed.sort();
  return done;
}

/** Removes files the snapshot does not hold, then the directories that only they filled. */
async function removeAdded(
  ctx: ToolContext,
  snapshot: TreeSnapshot,
  rels: string[],
  done: TreeRestore,
): Promise<void> {
  const keep = new Set<string>();
  for (const rel of snapshot.entries.keys()) {
    for (let dir = dirname(rel); dir !== "."; dir = dirname(dir)) keep.add(dir);
  }
  for (const rel of rels) {
    if (isProtected(rel) || !await realParents(ctx.guard.root, rel, false)) continue;
    try {
      await Deno.remove(join(ctx.guard.root, rel));
      done.removed.push(rel);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) done.failed.push(`${rel} (${errText(err)})`);
      continue;
    }
    for (let dir = dirname(rel); dir !== "." && !keep.has(dir); dir = dirname(dir)) {
      const gone = await Deno.remove(join(ctx.guard.root, dir)).then(() => true, () => false);
      if (!gone) break;
    }
  }
}

/** Writes back each entry whose file differs from it (content, permission bits or kind). */
async function restoreEntries(
  ctx: ToolContext,
  repo: Repo,
  entries: [string, TreeEntry][],
  done: TreeRestore,
): Promise<void> {
  const root = ctx.guard.root;
  const differing: [string, TreeEntry][] = [];
  const compare: [string, TreeEntry & { kind: "file" }, number][] = [];
  await forEach(entries, async ([rel, entry]) => {
    const abs = join(root, rel);
    const info = await lstatOrNull(abs);
    if (entry.kind === "link") {
      const same = info?.isSymlink && await Deno.readLink(abs).catch(() => "") === entry.target;
      if (!same) differing.push([rel, entry]);
    } else if (!info?.isFile) {
      differing.push([rel, entry]);
    } else if (!entry.stat || !sameStat(entry.stat, statKey(info))) {
      compare.push([rel, entry, (info.mode ?? 0) & 0o777]);
    }
  });
  const oids = await hashFiles(ctx, repo, compare.map(([rel]) => rel), false);
  compare.forEach(([rel, entry, perm], i) => {
    if (oids[i] !== entry.oid || perm !== entry.perm) differing.push([rel, entry]);
  });
  differing.sort(([a], [b]) => a < b ? -1 : 1);
  for (const [rel, entry] of differing) {
    if (isProtected(rel)) continue;
    try {
      if (!await realParents(root, rel, true)) {
        done.failed.push(`${rel} (a file or link is in the place of its folder)`);
        continue;
      }
      const abs = join(root, rel);
      const info = await lstatOrNull(abs);
      if (info?.isDirectory) {
        done.failed.push(`${rel} (a folder is in its place)`);
        continue;
      }
      if (entry.kind === "link") {
        if (info) await Deno.remove(abs);
        await Deno.symlink(entry.target, abs);
      } else {
        const bytes = await readBlob(ctx, repo, entry.oid);
        if (info?.isSymlink) await Deno.remove(abs);
        await Deno.writeFile(abs, bytes, { mode: entry.perm });
        await Deno.chmod(abs, entry.perm);
      }
      done.restored.push(rel);
    } catch (err) {
      if (isLoomError(err) && err.code === "CANCELLED") throw err;
      done.failed.push(`${rel} (${errText(err)})`);
    }
  }
}

/**
 * True when every folder above `rel` is a real directory (no symlink can redirect a write or
 * a removal out of the project); with `create`, missing folders are made.
 */
async function realParents(root: string, rel: string, create: boolean): Promise<boolean> {
  const parts = rel.split("/").slice(0, -1);
  let dir = root;
  for (const part of parts) {
    dir = join(dir, part);
    const info = await lstatOrNull(dir);
    if (info?.isDirectory) continue;
    // Something else is in the way, or (when only checking) the folder is gone.
    if (info || !create) return false;
    await Deno.mkdir(dir);
  }
  return true;
}

function reasonOf(err: LoomError): string {
  if (/not a git repository/i.test(err.message)) return "the project is not a git repository";
  if (/above the project root/.test(err.message)) {
    return "the project is a subfolder of a git repository";
  }
  return err.message.replace(/^Cannot [^:]*: /, "");
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
