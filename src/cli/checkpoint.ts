// Per-turn checkpoints for /undo: before a turn's first write to a file, its original bytes (or
// its absence) are kept; undo puts every file of the last turn that wrote back as it was. The
// same wrapper remembers each write's diff for display, and each call's arguments for the
// permission prompt.
import { createTwoFilesPatch } from "diff";
import type { Tool, ToolContext } from "../tools/define.ts";

/** The tools whose writes are checkpointed (shell and git changes are not tracked). */
export const WRITING_TOOLS: readonly string[] = ["file_write", "file_edit"];

/** One file as it was before the turn: its bytes, or null when the turn created it. */
interface Original {
  abs: string;
  rel: string;
  bytes: Uint8Array | null;
}

/** What an undo did. */
export interface UndoResult {
  restored: string[];
  removed: string[];
}

/** Checkpoints per turn, diffs per write, arguments per permission check. */
export interface Checkpoints {
  /** Starts a new turn; its first write to each file records the original. */
  begin(): void;
  /** Wraps the writing tools of `tools` (others pass through, only recording their arguments). */
  wrap(tools: ReadonlyMap<string, Tool>): Map<string, Tool>;
  /** Reverts the most recent turn that wrote files; undefined when none is left. */
  undo(): Promise<UndoResult | undefined>;
  /** The unified diff of the latest write to `path` (as the call named it), taken once. */
  takeDiff(path: string): string | undefined;
  /** The arguments of the latest permission check by `tool`. */
  lastInput(tool: string): Record<string, unknown> | undefined;
}

async function readOrNull(abs: string): Promise<Uint8Array | null> {
  try {
    return await Deno.readFile(abs);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
}

const decoder = new TextDecoder();

/** Creates an empty checkpoint stack. */
export function createCheckpoints(): Checkpoints {
  const turns: Map<string, Original>[] = [];
  const diffs = new Map<string, string>();
  const inputs = new Map<string, Record<string, unknown>>();

  const wrapOne = (tool: Tool): Tool => {
    const writes = WRITING_TOOLS.includes(tool.name);
    return {
      ...tool,
      permission(input, ctx) {
        inputs.set(tool.name, input as Record<string, unknown>);
        return tool.permission(input, ctx);
      },
      run: !writes ? (input, ctx) => tool.run(input, ctx) : async (input, ctx: ToolContext) => {
        const path = String((input as { path?: unknown }).path ?? "");
        const { abs, rel } = await ctx.guard.resolveForWrite(path);
        const before = await readOrNull(abs);
        const turn = turns.at(-1);
        if (turn && !turn.has(abs)) turn.set(abs, { abs, rel, bytes: before });
        const result = await tool.run(input, ctx);
        if (!result.isError) {
          const after = await readOrNull(abs);
          const old = before ? decoder.decode(before) : "";
          const now = after ? decoder.decode(after) : "";
          if (old !== now) {
            diffs.set(path, createTwoFilesPatch(rel, rel, old, now, "", "", { context: 3 }));
          }
        }
        return result;
      },
    };
  };

  return {
    begin() {
      turns.push(new Map());
      if (turns.length > 50) turns.shift();
    },
    wrap: (tools) => new Map([...tools].map(([name, tool]) => [name, wrapOne(tool)])),
    async undo() {
      while (turns.length > 0) {
        const turn = turns.pop()!;
        if (turn.size === 0) continue;
        const result: UndoResult = { restored: [], removed: [] };
        for (const original of turn.values()) {
          if (original.bytes === null) {
            await Deno.remove(original.abs).catch((err) => {
              if (!(err instanceof Deno.errors.NotFound)) throw err;
            });
            result.removed.push(original.rel);
          } else {
            await Deno.writeFile(original.abs, original.bytes);
            result.restored.push(original.rel);
          }
        }
        return result;
      }
      return undefined;
    },
    takeDiff(path) {
      const diff = diffs.get(path);
      diffs.delete(path);
      return diff;
    },
    lastInput: (tool) => inputs.get(tool),
  };
}
