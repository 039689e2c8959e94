import { z } from "zod";
import { cutText, LoomError } from "../core/mod.ts";
import { defineTool } from "./define.ts";
import type { ToolContext } from "./define.ts";
import DESCRIPTION from "./file_read.md" with { type: "text" };
import { decodeUtf8, detectEol, formatCount, plural, sniffBinary, splitLines } from "./_text.ts";
import { fsError, guardPath, notFoundError, readFileChecked, throwIfAborted } from "./_files.ts";

const DEFAULT_LIMIT = 2000;
const MAX_OUTPUT_BYTES = 256 * 1024;
const MAX_LINE_CHARS = 2000;
const encoder = new TextEncoder();
// deno-lint-ignore no-control-regex -- a plain ASCII test, NUL included
const NON_ASCII = /[^\x00-\x7f]/;

/** Reads a text file with `cat -n` style line numbers, a window at a time. */
export const fileRead = defineTool({
  name: "file_read",
  description: DESCRIPTION,
  input: z.object({
    path: z.string().describe("File to read: project-relative, or absolute inside the project"),
    offset: z.number().int().min(1).optional().describe(
      "1-based line number to start at (default 1)",
    ),
    limit: z.number().int().min(1).optional().describe(
      `Maximum number of lines to return (default ${DEFAULT_LIMIT})`,
    ),
  }),
  annotations: {
    title: "Read file",
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  },
  async permission(input, ctx) {
    const guarded = await guardPath(ctx, input.path, "read");
    return { kind: "read", tool: "file_read", paths: [guarded.rel] };
  },
  async run(input, ctx) {
    const guarded = await guardPath(ctx, input.path, "read");
    const shown = guarded.rel;
    throwIfAborted(ctx.signal, "read", shown);
    if (!guarded.exists) throw await notFoundError(ctx.guard, guarded.abs, "read", shown);
    const bytes = await readBytes(guarded.abs, ctx, shown);

    const decoded = decodeUtf8(bytes);
    const binary = sniffBinary(bytes, decoded !== undefined);
    if (binary !== undefined) {
      throw new LoomError(
        "BINARY_FILE",
        `Cannot read "${shown}": it is a binary file (${binary}, ${
          formatCount(bytes.length)
        } bytes); file_read shows text files only`,
        { details: { type: binary, size: bytes.length } },
      );
    }
    await ctx.ledger.record(guarded.abs, bytes, "read");

    const text = decoded?.text ?? new TextDecoder().decode(bytes);
    const lines = splitLines(text);
    const total = lines.length;
    const notes = fileNotes(text, decoded === undefined);
    if (total === 0) {
      return {
        text: `${shown}: empty file (0 lines, ${formatCount(bytes.length)} bytes)${notes}`,
        structured: { path: shown, totalLines: 0, startLine: 0, endLine: 0, truncated: false },
      };
    }
    const start = input.offset ?? 1;
    if (start > total) {
      throw new LoomError(
        "INVALID_INPUT",
        `Cannot read "${shown}" from line ${start}: it has only ${
          formatCount(total)
        } lines; use an offset between 1 and ${total}`,
      );
    }
    const last = Math.min(total, start - 1 + (input.limit ?? DEFAULT_LIMIT));
    const { body, end, capped } = renderLines(lines, start, last, decoded?.ascii === true);
    const whole = start === 1 && end === total;
    const header = whole
      ? `${shown}: ${plural(total, "line")}${notes}`
      : `${shown}: lines ${start}-${end} of ${formatCount(total)}${notes}`;
    let out = `${header}\n${body}`;
    if (end < total) {
      const why = capped ? ` (output capped at ${MAX_OUTPUT_BYTES / 1024} KB)` : "";
      out += `\n... ${plural(total - end, "more line")}${why}; call file_read with offset=${
        end + 1
      } to continue`;
    }
    return {
      text: out,
      structured: {
        path: shown,
        totalLines: total,
        startLine: start,
        endLine: end,
        truncated: end < total,
        ...(end < total ? { nextOffset: end + 1 } : {}),
      },
    };
  },
});

/** Numbers lines `start..last` (1-based), stopping early at the output byte budget. */
function renderLines(
  lines: string[],
  start: number,
  last: number,
  ascii: boolean,
): { body: string; end: number; capped: boolean } {
  const out: string[] = [];
  let bytes = 0;
  for (let n = start; n <= last; n++) {
    let line = lines[n - 1];
    if (line.endsWith("\r")) line = line.slice(0, -1);
    if (line.length > MAX_LINE_CHARS) {
      line = `${cutText(line, MAX_LINE_CHARS)}… [line cut at ${formatCount(MAX_LINE_CHARS)} of ${
        formatCount(line.length)
      } chars]`;
    }
    const rendered = prefixOf(n) + line;
    // In an ASCII file a line is as many bytes as characters: encoding (or even scanning) each
    // line dominated large reads.
    const size = ascii || !NON_ASCII.test(rendered)
      ? rendered.length + 1
      : encoder.encode(rendered).length + 1;
    if (bytes + size > MAX_OUTPUT_BYTES && out.length > 0) {
      return { body: out.join("\n"), end: n - 1, capped: true };
    }
    out.push(rendered);
    bytes += size;
  }
  return { body: out.join("\n"), end: last, capped: false };
}

/** Line-number prefixes ("     7\t") of the first lines, made once: padding cost per line. */
const PREFIXES: string[] = [""];
const PREFIXES_KEPT = 2 * DEFAULT_LIMIT;

function prefixOf(n: number): string {
  if (n > PREFIXES_KEPT) return `${String(n).padStart(6)}\t`;
  while (PREFIXES.length <= n) PREFIXES.push(`${String(PREFIXES.length).padStart(6)}\t`);
  return PREFIXES[n];
}

function fileNotes(text: string, lossy: boolean): string {
  const notes: string[] = [];
  if (detectEol(text) === "mixed") {
    notes.push("mixed LF and CRLF line endings (file_edit matches them exactly)");
  }
  if (lossy) notes.push("not valid UTF-8: undecodable bytes shown as U+FFFD; file_edit refuses it");
  return notes.length === 0 ? "" : ` (${notes.join("; ")})`;
}

async function readBytes(abs: string, ctx: ToolContext, shown: string): Promise<Uint8Array> {
  try {
    return (await readFileChecked(abs, "read", shown, ctx.signal)).bytes;
  } catch (err) {
    throwIfAborted(ctx.signal, "read", shown);
    if (err instanceof Deno.errors.NotFound) {
      throw await notFoundError(ctx.guard, abs, "read", shown);
    }
    throw fsError(err, "read", shown);
  }
}
