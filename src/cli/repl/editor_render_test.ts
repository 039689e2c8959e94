import { deepEqual, equal, ok } from "node:assert/strict";
import { drawEditor, layoutEditor } from "./editor_render.ts";

Deno.test("the layout wraps at the width and indents continuation lines under the prompt", () => {
  const table: [string, string, number, number, { rows: string[]; at: [number, number] }][] = [
    ["> ", "hi", 2, 20, { rows: ["> hi"], at: [0, 4] }],
    ["> ", "hi", 0, 20, { rows: ["> hi"], at: [0, 2] }],
    ["> ", "a\nbc", 4, 20, { rows: ["> a", "  bc"], at: [1, 4] }],
    ["> ", "abcdefghij", 5, 6, { rows: ["> abcd", "efghij"], at: [1, 1] }],
    ["> ", "abcd", 4, 6, { rows: ["> abcd", ""], at: [1, 0] }],
    ["> ", "ab日本", 4, 6, { rows: ["> ab日", "本"], at: [1, 2] }],
    ["\x1b[1m>\x1b[22m ", "x", 1, 20, { rows: ["\x1b[1m>\x1b[22m x"], at: [0, 3] }],
  ];
  for (const [prompt, text, cursor, columns, want] of table) {
    const layout = layoutEditor(prompt, text, cursor, columns);
    deepEqual(layout.rows, want.rows, JSON.stringify(text));
    deepEqual([layout.cursorRow, layout.cursorCol], want.at, JSON.stringify(text));
  }
});

Deno.test("a redraw goes back to its first row and never erases the screen from there", () => {
  const layout = layoutEditor("> ", "a\nbc", 1, 20);
  const out = drawEditor(layout, 1);
  ok(out.startsWith("\x1b[1A\r> a\x1b[K\r\n  bc\x1b[K\x1b[J"), JSON.stringify(out));
  ok(out.endsWith("\x1b[1A\r\x1b[3C"), "cursor back on row 0, column 3");
  equal(drawEditor(layoutEditor("> ", "", 0, 20), 0), "\r> \x1b[K\x1b[J\r\x1b[2C");
});

Deno.test("a row that fills the width is not erased after, which would eat its last character", () => {
  const out = drawEditor(layoutEditor("> ", "abcd", 0, 6), 0);
  equal(out, "\r> abcd\r\x1b[2C");
});
