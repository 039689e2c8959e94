// Drawing the editor: lay the prompt and text out in terminal rows (wrapping at the width,
// continuation lines indented under the prompt), then emit the escapes that redraw it in place.
import stringWidth from "string-width";

/** The rows to draw and where the cursor goes, relative to the first row. */
export interface EditorLayout {
  rows: string[];
  /** Which rows fill the whole width (erasing after them would eat their last character). */
  full: boolean[];
  cursorRow: number;
  cursorCol: number;
}

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** Lays out `prompt` + `text` for a terminal `columns` wide; pure. */
export function layoutEditor(
  prompt: string,
  text: string,
  cursor: number,
  columns: number,
): EditorLayout {
  const width = Math.max(columns, 4);
  const promptWidth = stringWidth(prompt);
  const indent = " ".repeat(promptWidth);
  const rows: string[] = [];
  const full: boolean[] = [];
  let row = prompt;
  let col = promptWidth;
  let cursorRow = -1;
  let cursorCol = 0;
  const markCursor = () => {
    if (col >= width) {
      rows.push(row);
      full.push(true);
      row = "";
      col = 0;
    }
    cursorRow = rows.length;
    cursorCol = col;
  };
  let index = 0;
  for (const { segment } of segmenter.segment(text)) {
    if (index === cursor) markCursor();
    index += segment.length;
    if (segment === "\n") {
      rows.push(row);
      full.push(col >= width);
      row = indent;
      col = promptWidth;
      continue;
    }
    const w = stringWidth(segment);
    if (col + w > width) {
      rows.push(row);
      full.push(col >= width);
      row = "";
      col = 0;
    }
    row += segment;
    col += w;
  }
  if (cursorRow < 0) markCursor();
  rows.push(row);
  full.push(col >= width);
  return { rows, full, cursorRow, cursorCol };
}

/**
 * The escapes that replace a previous drawing (whose cursor sat `previousCursorRow` rows below
 * its first row) with `layout`, leaving the cursor in place. Each row erases its own rest
 * rather than erasing the screen from the first row: tmux and some terminals push the whole
 * screen into scrollback when told to erase from the top-left corner.
 */
export function drawEditor(layout: EditorLayout, previousCursorRow: number): string {
  let out = previousCursorRow > 0 ? `\x1b[${previousCursorRow}A` : "";
  out += "\r" + layout.rows.map((r, i) => layout.full[i] ? r : `${r}\x1b[K`).join("\r\n");
  // Rows left over from a longer previous drawing; in the pending-wrap state of a full row an
  // erase would eat the last character, so those leftovers wait for the next shorter draw.
  if (!layout.full[layout.rows.length - 1]) out += "\x1b[J";
  const up = layout.rows.length - 1 - layout.cursorRow;
  if (up > 0) out += `\x1b[${up}A`;
  out += "\r";
  if (layout.cursorCol > 0) out += `\x1b[${layout.cursorCol}C`;
  return out;
}
