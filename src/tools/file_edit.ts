import { z } from "zod";
import { capOutput, LoomError } from "../core/mod.ts";
import { defineTool } from "./define.ts";
import { diffTexts } from "./diff.ts";
import DESCRIPTION from "./file_edit.md" with { type: "text" };
import {
  decodeUtf8,
  detectEol,
  encodeUtf8,
  explainMiss,
  findAll,
  formatCount,
  lineNumbersOf,
  sniffBinary,
} from "./_text.ts";
import {
  assertFresh,
  fsError,
  guardPath,
  notFoundError,
  readIfExists,
  throwIfAborted,
  unchangedSince,
  withFileLock,
  writeFileAtomic,
} from "./_files.ts";

const MAX_DIFF_BYTES = 32 * 1024;
const MAX_LINES_LISTED = 10;

const editSchema = z.object({
  old_string: z.string().describe(
    "Exact text to replace, copied from the file (without file_read's line-number prefixes)",
  ),
  new_string: z.string().describe("Text to put in its place (must differ from old_string)"),
  replace_all: z.boolean().optional().describe(
    "Replace every occurrence instead of requiring exactly one (default false)",
  ),
});

type Edit = z.infer<typeof editSchema>;

/** Replaces exact strings in a file, all edits or none, and answers with a unified diff. */
export const fileEdit = defineTool({
  name: "file_edit",
  description: DESCRIPTION,
  input: z.object({
    path: z.string().describe("File to edit: project-relative, or absolute inside the project"),
    edits: z.array(editSchema).min(1).describe(
      "Replacements applied in order, each to the result of the previous; all succeed or none is written",
    ),
  }),
  output: z.object({
    path: z.string().describe("The file, project-relative"),
    changed: z.boolean().describe("False when the edits cancelled each other out"),
    replacements: z.number().int().describe("Occurrences replaced, over all edits"),
    added: z.number().int().optional().describe("Lines added (absent when the diff was too large)"),
    removed: z.number().int().optional().describe(
      "Lines removed (absent when the diff was too large)",
    ),
  }),
  normalize: toEditsShape,
  annotations: {
    title: "Edit file",
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: false,
    openWorldHint: false,
  },
  async permission(input, ctx) {
    const guarded = await guardPath(ctx, input.path, "write");
    return { kind: "write", tool: "file_edit", paths: [guarded.rel] };
  },
  async run(input, ctx) {
    // Taken before any await: a concurrent tool write recorded after this makes our view stale.
    const startSeq = ctx.ledger.seq;
    const guarded = await guardPath(ctx, input.path, "write");
    const { abs, rel: shown } = guarded;
    input.edits.forEach((edit, i) => validate(edit, label(i, input.edits.length), shown));
    throwIfAborted(ctx.signal, "edit", shown);
    if (!guarded.exists) throw await notFoundError(ctx.guard, abs, "edit", shown);

    return await withFileLock(abs, async () => {
      using existing = await readIfExists(abs, "edit", shown, ctx.afterReply);
      if (existing === undefined) throw await notFoundError(ctx.guard, abs, "edit", shown);
      const decoded = decodeUtf8(existing.bytes);
      const binary = sniffBinary(existing.bytes, decoded !== undefined);
      if (binary !== undefined) {
        throw new LoomError(
          "BINARY_FILE",
          `Cannot edit "${shown}": it is a binary file (${binary}, ${
            formatCount(existing.bytes.length)
          } bytes); file_edit changes text files only`,
        );
      }
      if (decoded === undefined) {
        throw new LoomError(
          "ENCODING",
          `Cannot edit "${shown}": it is not valid UTF-8; file_edit changes UTF-8 text only (file_write can replace it whole)`,
        );
      }
      assertFresh(ctx.ledger, abs, existing.bytes, startSeq, "edit", shown);

      // LF and CRLF files are edited LF-normalised and written back in their own style; files
      // that mix both are matched byte-exactly.
      const eol = detectEol(decoded.text);
      const normalise = (s: string) => eol === "mixed" ? s : s.replaceAll("\r\n", "\n");
      const before = normalise(decoded.text);
      const { text: after, replacements } = applyEdits(before, input.edits, normalise, shown);
      if (after === before) {
        return {
          text: `"${shown}" is unchanged: the edits cancel each other out`,
          structured: { path: shown, changed: false, replacements },
        };
      }

      throwIfAborted(ctx.signal, "edit", shown);
      const bytes = encodeUtf8(
        eol === "crlf" ? after.replaceAll("\n", "\r\n") : after,
        decoded.bom,
      );
      await writeFileAtomic(abs, bytes, {
        mode: existing.mode,
        beforeRename: unchangedSince(abs, existing, "edit", shown),
        flush: ctx.config.files.fsync,
      }).catch((err) => {
        throw fsError(err, "edit", shown);
      });
      await ctx.ledger.record(abs, bytes, "write");

      const diff = diffTexts(shown, before, after);
      const edits = input.edits.length;
      const summary = `Edited "${shown}": ${edits} edit${edits === 1 ? "" : "s"}, ${replacements} ${
        replacements === 1 ? "replacement" : "replacements"
      }${diff === undefined ? "" : ` (+${diff.added} −${diff.removed} lines)`}`;
      const patch = diff === undefined
        ? "(the diff is too large to show; call file_read to see the result)"
        : capOutput(new TextEncoder().encode(diff.patch), MAX_DIFF_BYTES).text;
      return {
        text: `${summary}\n${patch}`,
        structured: {
          path: shown,
          changed: true,
          replacements,
          added: diff?.added,
          removed: diff?.removed,
        },
      };
    });
  },
});

/** Applies the edits in order to `text`; throws NO_MATCH or AMBIGUOUS_EDIT naming the edit. */
function applyEdits(
  text: string,
  edits: Edit[],
  normalise: (s: string) => string,
  shown: string,
): { text: string; replacements: number } {
  let replacements = 0;
  for (const [i, edit] of edits.entries()) {
    const which = label(i, edits.length);
    const oldString = normalise(edit.old_string);
    const newString = normalise(edit.new_string);
    if (oldString === newString) {
      throw new LoomError(
        "INVALID_INPUT",
        `Cannot edit "${shown}": ${which} and new_string differ only in line endings, which follow the file's own; nothing to change`,
      );
    }
    const found = findAll(text, oldString);
    if (found.length === 0) {
      const { hint, closest } = explainMiss(text, oldString);
      const tail = closest === "" ? "" : `\nClosest lines:\n${closest}`;
      throw new LoomError(
        "NO_MATCH",
        `Cannot edit "${shown}": ${which} was not found; ${hint}${tail}`,
      );
    }
    if (found.length > 1 && edit.replace_all !== true) {
      const lines = lineNumbersOf(text, found);
      const listed = lines.slice(0, MAX_LINES_LISTED).join(", ") +
        (lines.length > MAX_LINES_LISTED ? `, and ${lines.length - MAX_LINES_LISTED} more` : "");
      throw new LoomError(
        "AMBIGUOUS_EDIT",
        `Cannot edit "${shown}": ${which} matches ${found.length} times (lines ${listed}); add context or set replace_all`,
        { details: { lines } },
      );
    }
    if (edit.replace_all === true) {
      text = text.split(oldString).join(newString);
      replacements += found.length;
    } else {
      text = text.slice(0, found[0]) + newString + text.slice(found[0] + oldString.length);
      replacements += 1;
    }
  }
  return { text, replacements };
}

function validate(edit: Edit, which: string, shown: string): void {
  if (edit.old_string === "") {
    throw new LoomError(
      "INVALID_INPUT",
      `Cannot edit "${shown}": ${which} is empty; to create a file or replace all of it use file_write`,
    );
  }
  if (edit.old_string === edit.new_string) {
    throw new LoomError(
      "INVALID_INPUT",
      `Cannot edit "${shown}": ${which} equals its new_string; nothing to change`,
    );
  }
}

/** "old_string", or "old_string of edit 2" when there are several edits. */
function label(index: number, count: number): string {
  return count === 1 ? "old_string" : `old_string of edit ${index + 1}`;
}

/**
 * Accepts the single-edit shape other agents use (`{file_path | path, old_string, new_string,
 * replace_all}`) as one entry of `edits`; anything else passes through untouched to validation.
 */
export function toEditsShape(raw: unknown): unknown {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return raw;
  const { file_path, old_string, new_string, replace_all, ...rest } = raw as Record<
    string,
    unknown
  >;
  if ("edits" in rest || old_string === undefined) {
    return file_path !== undefined && rest.path === undefined
      ? { ...rest, path: file_path, ...(old_string === undefined ? {} : { old_string }) }
      : raw;
  }
  const edit = replace_all === undefined
    ? { old_string, new_string }
    : { old_string, new_string, replace_all };
  return { ...rest, path: rest.path ?? file_path, edits: [edit] };
}
