// Streaming markdown: text deltas in, terminal text out, never redrawing what was printed.
// A line is drawn once it is complete; a code block line by line as each arrives (highlighted
// with the whole block so far, so multi-line strings and comments keep their colours); tables
// are held until their last row, since column widths need every row.
import { createStyle, type TerminalInfo } from "./ansi.ts";
import { highlightLines } from "./highlight.ts";
import {
  closesFence,
  type Fence,
  isTableRow,
  type LineContext,
  parseFence,
  renderLine,
  renderTable,
} from "./markdown_line.ts";
import { safeText } from "./safe_text.ts";

/** A sink for model text: `push` deltas as they arrive, `end` once the answer is complete. */
export interface MarkdownStream {
  push(delta: string): void;
  /** Draws whatever is still held back (a last line without newline, an open table or fence). */
  end(): void;
}

/**
 * Creates a streaming renderer writing to `write`. When the output is not a terminal the text
 * passes through untouched (scripts get the model's markdown as written).
 */
export function createMarkdownStream(
  terminal: TerminalInfo,
  write: (text: string) => void,
): MarkdownStream {
  if (!terminal.isTty) return { push: (delta) => delta && write(delta), end() {} };
  const ctx: LineContext = { style: createStyle(terminal.color), width: terminal.columns };
  let pending = "";
  let fence: (Fence & { code: string[] }) | undefined;
  let table: string[] = [];
  let blankRun = 0;

  const emit = (text: string) => {
    if (text === "") {
      if (blankRun++ === 0) write("\n");
      return;
    }
    blankRun = 0;
    write(`${text}\n`);
  };

  const flushTable = () => {
    if (table.length > 0) emit(renderTable(table, ctx));
    table = [];
  };

  const codeLine = (raw: string) => {
    const f = fence!;
    f.code.push(raw.slice(Math.min(f.indent, /^ */.exec(raw)![0].length)));
    const painted = highlightLines(f.code.join("\n"), f.lang, ctx.style);
    blankRun = 0;
    write(`${" ".repeat(f.indent)}${ctx.style.gray("│")} ${painted[painted.length - 1]}\n`);
  };

  // Lines are sanitised whole, before any styling: the model's control characters show as
  // text while Loom's own colours still work.
  const line = (untrusted: string) => {
    const raw = safeText(untrusted);
    if (fence) {
      if (closesFence(raw, fence)) {
        fence = undefined;
        return;
      }
      codeLine(raw);
      return;
    }
    if (isTableRow(raw)) {
      table.push(raw);
      return;
    }
    flushTable();
    const opened = parseFence(raw);
    if (opened) {
      fence = { ...opened, code: [] };
      if (opened.lang) emit(`${" ".repeat(opened.indent)}${ctx.style.gray(opened.lang)}`);
      return;
    }
    emit(renderLine(raw, ctx));
  };

  return {
    push(delta) {
      pending += delta;
      let nl: number;
      while ((nl = pending.indexOf("\n")) >= 0) {
        line(pending.slice(0, nl).replace(/\r$/, ""));
        pending = pending.slice(nl + 1);
      }
    },
    end() {
      if (pending !== "") line(pending);
      pending = "";
      flushTable();
      fence = undefined;
    },
  };
}

/** Renders a whole markdown text at once (a finished answer, `/help`). */
export function renderMarkdown(text: string, terminal: TerminalInfo): string {
  let out = "";
  const stream = createMarkdownStream(terminal, (t) => out += t);
  stream.push(text);
  stream.end();
  return out;
}
