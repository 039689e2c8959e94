// The line editor's thin shell: raw mode and bracketed paste on while reading, keys through the
// pure reducer, the state redrawn in place, submitted lines appended to the history store.
import { type Completer, createEditorState, type EditorState, reduceEditor } from "./editor.ts";
import { drawEditor, layoutEditor } from "./editor_render.ts";
import type { HistoryStore } from "./history.ts";
import { createKeyReader, type KeyReader, type TerminalIO } from "./terminal.ts";

/** What one `read` ended with. */
export type ReadResult =
  | { type: "line"; text: string }
  /** Ctrl-C: the line was dropped; the REPL carries on. */
  | { type: "interrupt" }
  /** Ctrl-C twice on an empty line. */
  | { type: "exit" }
  /** Ctrl-D on an empty line, or the input closed. */
  | { type: "eof" };

/** Reads lines from a terminal with editing, history, completion and paste handling. */
export interface LineEditor {
  read(prompt: string): Promise<ReadResult>;
  /** The key source, for prompts that read keys between lines (permission questions). */
  readonly keys: KeyReader;
  history(): readonly string[];
}

/** Options: where history lives, how to complete, and a key reader to share. */
export interface LineEditorOptions {
  history?: HistoryStore;
  complete?: Completer;
  keys?: KeyReader;
  /** Called when the history file cannot be written; the REPL keeps going. */
  onHistoryError?: (err: unknown) => void;
}

/** Creates a line editor over `io`, loading the history first. */
export async function createLineEditor(
  io: TerminalIO,
  options: LineEditorOptions = {},
): Promise<LineEditor> {
  const keys = options.keys ?? createKeyReader(() => io.read());
  let state: EditorState = createEditorState(await options.history?.load() ?? []);

  async function read(prompt: string): Promise<ReadResult> {
    io.setRaw(true);
    io.write("\x1b[?2004h");
    let drawnRow = 0;
    const draw = (s: EditorState, cursor = s.cursor) => {
      const layout = layoutEditor(prompt, s.text, cursor, io.columns());
      io.write(drawEditor(layout, drawnRow));
      drawnRow = layout.cursorRow;
    };
    const finish = (shown: EditorState, suffix: string) => {
      draw(shown, shown.text.length);
      io.write(`${suffix}\r\n`);
    };
    try {
      draw(state);
      while (true) {
        const key = await keys.next();
        if (key === null) {
          finish(state, "");
          return { type: "eof" };
        }
        const before = state;
        const step = reduceEditor(state, key, options.complete);
        state = step.state;
        for (const effect of step.effects) {
          switch (effect.type) {
            case "submit":
              finish({ ...before, text: effect.text }, "");
              drawnRow = 0;
              if (effect.text.trim() !== "") {
                await options.history?.append(effect.text).catch((err) =>
                  options.onHistoryError?.(err)
                );
              }
              return { type: "line", text: effect.text };
            case "interrupt":
              finish(before, "^C");
              return { type: "interrupt" };
            case "exit":
            case "eof":
              finish(before, "");
              return { type: effect.type };
            case "list":
              finish(state, "");
              io.write(`${effect.items.join("  ")}\r\n`);
              drawnRow = 0;
              break;
            case "clear-screen":
              io.write("\x1b[2J\x1b[H");
              drawnRow = 0;
              break;
            case "bell":
              io.write("\x07");
              break;
          }
        }
        draw(state);
      }
    } finally {
      io.write("\x1b[?2004l");
      io.setRaw(false);
    }
  }

  return { read, keys, history: () => state.history };
}
