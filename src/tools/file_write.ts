import { dirname } from "node:path";
import { z } from "zod";
import { LoomError } from "../core/mod.ts";
import { defineTool } from "./define.ts";
import DESCRIPTION from "./file_write.md" with { type: "text" };
import { formatCount, plural, splitLines } from "./_text.ts";
import { diffTexts } from "./diff.ts";
import {
  assertFresh,
  fsError,
  MAX_FILE_BYTES,
  readIfExists,
  throwIfAborted,
  unchangedSince,
  withFileLock,
  writeFileAtomic,
} from "./_files.ts";

const encoder = new TextEncoder();

/** Creates or replaces a whole file, atomically; replacing needs a fresh read first. */
export const fileWrite = defineTool({
  name: "file_write",
  description: DESCRIPTION,
  input: z.object({
    path: z.string().describe("File to write: project-relative, or absolute inside the project"),
    content: z.string().describe("The complete new content of the file, written as UTF-8"),
  }),
  output: z.object({
    path: z.string().describe("The file, project-relative"),
    created: z.boolean().describe("True when the file did not exist before"),
    bytes: z.number().int().describe("Bytes written"),
    lines: z.number().int().describe("Lines written"),
    added: z.number().int().optional().describe("Lines added, when an existing file changed"),
    removed: z.number().int().optional().describe("Lines removed, when an existing file changed"),
  }),
  annotations: {
    title: "Write file",
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: true,
    openWorldHint: false,
  },
  async permission(input, ctx) {
    const guarded = await ctx.guard.resolveForWrite(input.path);
    return { kind: "write", tool: "file_write", paths: [guarded.rel] };
  },
  async run(input, ctx) {
    // Taken before any await: a concurrent tool write recorded after this makes our view stale.
    const startSeq = ctx.ledger.seq;
    const guarded = await ctx.guard.resolveForWrite(input.path);
    const { abs, rel: shown } = guarded;
    throwIfAborted(ctx.signal, "write", shown);
    const bytes = encoder.encode(input.content);
    if (bytes.length > MAX_FILE_BYTES) {
      throw new LoomError(
        "TOO_LARGE",
        `Cannot write "${shown}": the content is ${formatCount(bytes.length)} bytes, over the ${
          formatCount(MAX_FILE_BYTES)
        } byte limit`,
      );
    }

    return await withFileLock(abs, async () => {
      using existing = await readIfExists(abs, "write", shown, ctx.afterReply);
      if (existing !== undefined) {
        assertFresh(ctx.ledger, abs, existing.bytes, startSeq, "write", shown);
      } else {
        await Deno.mkdir(dirname(abs), { recursive: true }).catch((err) => {
          throw fsError(err, "write", shown);
        });
      }
      throwIfAborted(ctx.signal, "write", shown);
      await writeFileAtomic(abs, bytes, {
        mode: existing?.mode,
        beforeRename: unchangedSince(abs, existing, "write", shown),
        flush: ctx.config.files.fsync,
      }).catch((err) => {
        throw fsError(err, "write", shown);
      });
      await ctx.ledger.record(abs, bytes, "write");

      const lines = splitLines(input.content).length;
      const size = `${plural(bytes.length, "byte")}, ${plural(lines, "line")}`;
      if (existing === undefined) {
        return {
          text: `Created "${shown}" (${size})`,
          structured: { path: shown, created: true, bytes: bytes.length, lines },
        };
      }
      const changes = diffTexts(shown, new TextDecoder().decode(existing.bytes), input.content);
      const delta = changes === undefined
        ? "too many changes to count"
        : `+${changes.added} −${changes.removed} lines`;
      return {
        text: `Overwrote "${shown}" (${size}; ${delta})`,
        structured: {
          path: shown,
          created: false,
          bytes: bytes.length,
          lines,
          added: changes?.added,
          removed: changes?.removed,
        },
      };
    });
  },
});
