// Per-turn checkpoints for /undo. Before a turn's first call that may change files (file_write,
// file_edit, shell, a mutating git operation, any tool not marked read-only) the whole working
// tree is snapshotted through git (checkpoint_tree.ts); undo puts every file back and removes
// the files the turn added, whichever tool did it. Outside git, and for ignored files, the
// original bytes of each file a file tool writes are kept as well, and undo falls back on them.
// The same wrapper remembers each write's diff for display, and each call's arguments for the
// permission prompt.
import { diffTexts } from "../tools/diff.ts";
import { isLoomError, refuseSpecialFile } from "../core/mod.ts";
import type { Tool, ToolContext } from "../tools/define.ts";
import { isReadOnlyGitInput } from "../tools/git_runner.ts";
import {
  restoreTree,
  snapshotTree,
  TREE_LIMITS,
  type TreeLimits,
  type TreeRestore,
  type TreeSnapshot,
} from "./checkpoint_tree.ts";

/** The tools whose writes also keep each file's original bytes. */
export const WRITING_TOOLS: readonly string[] = ["file_write", "file_edit"];

/** Tools that are not read-only but never change project files (the graph lives in .loom/). */
const NO_FILE_CHANGES = new Set(["decision_log"]);

/** One file as it was before the turn: its bytes, or null when the turn created it. */
interface Original {
  abs: string;
  rel: string;
  bytes: Uint8Array | null;
}

/** One turn's checkpoint. */
interface Turn {
  originals: Map<string, Original>;
  tree?: TreeSnapshot;
  /** Why no tree snapshot was taken (not a repository, too large, ...). */
  skipped?: string;
  taking?: Promise<void>;
}

/** What an undo did, and what it could not do. */
export interface UndoResult {
  restored: string[];
  removed: string[];
  /** Files that could not be put back, each with the reason in brackets. */
  failed: string[];
  /** Limits of this undo, in sentences (e.g. the tree was too large to snapshot). */
  notes: string[];
}

/** An undo, or nothing left to undo (with why checkpoints were limited, when they were). */
export type UndoOutcome = UndoResult | { none: true; why?: string };

/** Checkpoints per turn, diffs per write, arguments per permission check. */
export interface Checkpoints {
  /** Starts a new turn; its first file-changing call takes the checkpoint. */
  begin(): void;
  /** Wraps `tools` so file-changing calls checkpoint first (all record their arguments). */
  wrap(tools: ReadonlyMap<string, Tool>): Map<string, Tool>;
  /** Reverts the most recent turn that changed files (the files of `ctx`'s project). */
  undo(ctx: ToolContext): Promise<UndoOutcome>;
  /** The unified diff of the latest write to `path` (as the call named it), taken once. */
  takeDiff(path: string): string | undefined;
  /** The arguments of the latest permission check by `tool`. */
  lastInput(tool: string): Record<string, unknown> | undefined;
}

/** Whether to snapshot the tree (the REPL does; one-shot runs cannot undo); for tests, limits. */
export interface CheckpointOptions {
  /** Snapshot the whole tree through git (default true); false keeps only file tools' bytes. */
  tree?: boolean;
  now?: () => number;
  limits?: TreeLimits;
}

const MAX_TURNS = 20;
const decoder = new TextDecoder();

async function readOrNull(abs: string): Promise<Uint8Array | null> {
  try {
    refuseSpecialFile(abs, "snapshot");
    return await Deno.readFile(abs);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
}

/** True when a call of `tool` with `input` may change files in the project. */
export function changesFiles(tool: Tool, input: unknown): boolean {
  if (tool.name === "git") return !isReadOnlyGitInput(input as never);
  if (NO_FILE_CHANGES.has(tool.name)) return false;
  return !tool.annotations.readOnlyHint;
}

/** Creates an empty checkpoint stack. */
export function createCheckpoints(options: CheckpointOptions = {}): Checkpoints {
  const now = options.now ?? (() => Date.now());
  const limits = options.limits ?? TREE_LIMITS;
  const trees = options.tree ?? true;
  const turns: Turn[] = [];
  const diffs = new Map<string, string>();
  const inputs = new Map<string, Record<string, unknown>>();
  /** The latest snapshot: its stat data spares hashing files that did not change since. */
  let latest: TreeSnapshot | undefined;

  const checkpoint = async (turn: Turn, ctx: ToolContext) => {
    if (turn.tree || turn.skipped) return;
    turn.taking ??= (async () => {
      ctx.onProgress?.({ progress: 0, message: "checkpointing the working tree for /undo" });
      const outcome = await snapshotTree(ctx, { previous: latest, now, limits });
      if ("snapshot" in outcome) latest = turn.tree = outcome.snapshot;
      else turn.skipped = outcome.skipped;
    })().finally(() => turn.taking = undefined);
    await turn.taking;
  };

  const wrapOne = (tool: Tool): Tool => {
    const keepsBytes = WRITING_TOOLS.includes(tool.name);
    return {
      ...tool,
      permission(input, ctx) {
        inputs.set(tool.name, input as Record<string, unknown>);
        return tool.permission(input, ctx);
      },
      async run(input, ctx: ToolContext) {
        const turn = turns.at(-1);
        if (turn && trees && changesFiles(tool, input)) await checkpoint(turn, ctx);
        if (!keepsBytes) return await tool.run(input, ctx);
        const path = String((input as { path?: unknown }).path ?? "");
        const { abs, rel } = await ctx.guard.resolveForWrite(path);
        const before = await readOrNull(abs);
        if (turn && !turn.originals.has(abs)) turn.originals.set(abs, { abs, rel, bytes: before });
        const result = await tool.run(input, ctx);
        if (!result.isError) {
          const after = await readOrNull(abs);
          const old = before ? decoder.decode(before) : "";
          const current = after ? decoder.decode(after) : "";
          // Only the changed region, and not past a deadline: a whole large file rewritten
          // differently took a full Myers diff (minutes on tens of thousands of lines), on the
          // thread that runs the turn. Too costly: no diff is shown.
          const diff = old === current ? undefined : diffTexts(rel, old, current);
          if (diff) diffs.set(path, diff.patch);
        }
        return result;
      },
    };
  };

  return {
    begin() {
      turns.push({ originals: new Map() });
      if (turns.length > MAX_TURNS) turns.shift();
    },
    wrap: (tools) => new Map([...tools].map(([name, tool]) => [name, wrapOne(tool)])),
    async undo(ctx) {
      let why: string | undefined;
      while (turns.length > 0) {
        const turn = turns.pop()!;
        why ??= turn.skipped;
        if (!turn.tree && turn.originals.size === 0) continue;
        const result = await undoTurn(ctx, turn);
        if (result.restored.length + result.removed.length + result.failed.length > 0) {
          return result;
        }
      }
      return { none: true, ...(why ? { why } : {}) };
    },
    takeDiff(path) {
      const diff = diffs.get(path);
      diffs.delete(path);
      return diff;
    },
    lastInput: (tool) => inputs.get(tool),
  };
}

/** Restores one turn: its tree snapshot when there is one, then the bytes git did not cover. */
async function undoTurn(ctx: ToolContext, turn: Turn): Promise<UndoResult> {
  const result: UndoResult = { restored: [], removed: [], failed: [], notes: [] };
  let tree: TreeRestore | undefined;
  if (turn.tree) {
    try {
      tree = await restoreTree(ctx, turn.tree);
      result.restored.push(...tree.restored);
      result.removed.push(...tree.removed);
      result.failed.push(...tree.failed);
    } catch (err) {
      if (!isLoomError(err) || err.code === "CANCELLED") throw err;
      result.notes.push(
        `The checkpoint could not be read back (${err.message}); only changes made with file_write and file_edit were reverted`,
      );
    }
  } else if (turn.skipped) {
    result.notes.push(
      `No checkpoint of the whole tree was taken (${turn.skipped}); only changes made with file_write and file_edit were reverted`,
    );
  }
  for (const original of turn.originals.values()) {
    // Files git lists were handled above; this covers ignored files (and everything outside git).
    if (tree && (turn.tree!.entries.has(original.rel) || tree.seen.has(original.rel))) continue;
    try {
      if (original.bytes === null) {
        await Deno.remove(original.abs);
        result.removed.push(original.rel);
      } else {
        const now = await readOrNull(original.abs);
        if (now && equalBytes(now, original.bytes)) continue;
        await Deno.writeFile(original.abs, original.bytes);
        result.restored.push(original.rel);
      }
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) continue;
      result.failed.push(`${original.rel} (${err instanceof Error ? err.message : err})`);
    }
  }
  return result;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
