// The line editor's pure core: (state, key) → state + effects. No IO here; the shell in
// line_editor.ts reads keys, draws the state and acts on the effects.
import type { Key } from "./keys.ts";

/** What the user is typing, where the cursor is, and where they are in history. */
export interface EditorState {
  text: string;
  /** Index into `text` (UTF-16 units, always on a grapheme boundary). */
  cursor: number;
  history: readonly string[];
  /** `history.length` means "the line being typed", smaller values browse history. */
  historyIndex: number;
  /** The line being typed, kept while browsing history. */
  draft: string;
  /** Set by Ctrl-C on an empty line; a second Ctrl-C then exits. */
  interruptArmed: boolean;
}

/** What the shell must do after a key. */
export type EditorEffect =
  | { type: "submit"; text: string }
  | { type: "interrupt" }
  | { type: "exit" }
  | { type: "eof" }
  | { type: "bell" }
  | { type: "list"; items: string[] }
  | { type: "clear-screen" };

/** Completion for the word before the cursor: replace `text.slice(from, cursor)` by a candidate. */
export type Completer = (text: string, cursor: number) => { from: number; candidates: string[] };

/** A fresh editor state over `history` (oldest first). */
export function createEditorState(history: readonly string[] = []): EditorState {
  return {
    text: "",
    cursor: 0,
    history,
    historyIndex: history.length,
    draft: "",
    interruptArmed: false,
  };
}

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

function prevBoundary(text: string, i: number): number {
  let last = 0;
  for (const { index } of segmenter.segment(text)) {
    if (index >= i) break;
    last = index;
  }
  return last;
}

function nextBoundary(text: string, i: number): number {
  for (const { index, segment } of segmenter.segment(text)) {
    if (index >= i) return index + segment.length;
  }
  return text.length;
}

const lineStart = (text: string, i: number) => text.lastIndexOf("\n", i - 1) + 1;
const lineEnd = (text: string, i: number) => {
  const n = text.indexOf("\n", i);
  return n < 0 ? text.length : n;
};

function wordStartBefore(text: string, i: number): number {
  let j = i;
  while (j > 0 && /\s/.test(text[j - 1])) j--;
  while (j > 0 && !/\s/.test(text[j - 1])) j--;
  return j;
}

function wordEndAfter(text: string, i: number): number {
  let j = i;
  while (j < text.length && /\s/.test(text[j])) j++;
  while (j < text.length && !/\s/.test(text[j])) j++;
  return j;
}

function commonPrefix(items: string[]): string {
  let prefix = items[0] ?? "";
  for (const s of items) while (!s.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

type Step = { state: EditorState; effects: EditorEffect[] };

const edit = (s: EditorState, text: string, cursor: number): EditorState => ({
  ...s,
  text,
  cursor,
});

function insert(s: EditorState, chunk: string): EditorState {
  return edit(
    s,
    s.text.slice(0, s.cursor) + chunk + s.text.slice(s.cursor),
    s.cursor + chunk.length,
  );
}

function remove(s: EditorState, from: number, to: number): EditorState {
  return edit(s, s.text.slice(0, from) + s.text.slice(to), from);
}

function browse(s: EditorState, index: number): EditorState {
  const draft = s.historyIndex === s.history.length ? s.text : s.draft;
  const text = index === s.history.length ? draft : s.history[index];
  return { ...s, historyIndex: index, draft, text, cursor: text.length };
}

/** Moves the cursor one line up or down inside a multi-line text; undefined at the edge. */
function verticalMove(s: EditorState, dir: -1 | 1): EditorState | undefined {
  const start = lineStart(s.text, s.cursor);
  const column = s.cursor - start;
  if (dir < 0) {
    if (start === 0) return undefined;
    const prevStart = lineStart(s.text, start - 1);
    return { ...s, cursor: Math.min(prevStart + column, start - 1) };
  }
  const end = lineEnd(s.text, s.cursor);
  if (end === s.text.length) return undefined;
  const nextEnd = lineEnd(s.text, end + 1);
  return { ...s, cursor: Math.min(end + 1 + column, nextEnd) };
}

function submit(s: EditorState): Step {
  const text = s.text;
  const history = text.trim() !== "" && s.history[s.history.length - 1] !== text
    ? [...s.history, text]
    : s.history;
  return { state: createEditorState(history), effects: [{ type: "submit", text }] };
}

function complete(s: EditorState, completer: Completer | undefined): Step {
  const found = completer?.(s.text, s.cursor);
  if (!found || found.candidates.length === 0) return { state: s, effects: [{ type: "bell" }] };
  const typed = s.text.slice(found.from, s.cursor);
  const replace = (word: string) =>
    edit(s, s.text.slice(0, found.from) + word + s.text.slice(s.cursor), found.from + word.length);
  if (found.candidates.length === 1) {
    const only = found.candidates[0];
    return { state: replace(only.endsWith(" ") ? only : `${only} `), effects: [] };
  }
  const prefix = commonPrefix(found.candidates);
  if (prefix.length > typed.length) return { state: replace(prefix), effects: [] };
  return { state: s, effects: [{ type: "list", items: found.candidates }] };
}

/** Applies one key. Effects say what happened beyond the new state (submit, interrupt, …). */
export function reduceEditor(state: EditorState, key: Key, completer?: Completer): Step {
  const s = { ...state, interruptArmed: false };
  const same = (next: EditorState): Step => ({ state: next, effects: [] });
  if (key.type === "text" || key.type === "paste") {
    return same(insert(s, key.text.replace(/\r\n?/g, "\n")));
  }
  switch (key.name) {
    case "enter":
      if (s.text.endsWith("\\") && s.cursor === s.text.length) {
        return same(edit(s, `${s.text.slice(0, -1)}\n`, s.text.length));
      }
      return submit(s);
    case "newline":
      return same(insert(s, "\n"));
    case "left":
      return same({ ...s, cursor: prevBoundary(s.text, s.cursor) });
    case "right":
      return same({ ...s, cursor: nextBoundary(s.text, s.cursor) });
    case "word-left":
      return same({ ...s, cursor: wordStartBefore(s.text, s.cursor) });
    case "word-right":
      return same({ ...s, cursor: wordEndAfter(s.text, s.cursor) });
    case "home":
    case "ctrl-a":
      return same({ ...s, cursor: lineStart(s.text, s.cursor) });
    case "end":
    case "ctrl-e":
      return same({ ...s, cursor: lineEnd(s.text, s.cursor) });
    case "backspace":
    case "ctrl-h":
      return same(s.cursor === 0 ? s : remove(s, prevBoundary(s.text, s.cursor), s.cursor));
    case "delete":
      return same(
        s.cursor === s.text.length ? s : remove(s, s.cursor, nextBoundary(s.text, s.cursor)),
      );
    case "ctrl-k":
      return same(remove(s, s.cursor, Math.max(s.cursor, lineEnd(s.text, s.cursor))));
    case "ctrl-u":
      return same(remove(s, lineStart(s.text, s.cursor), s.cursor));
    case "ctrl-w":
    case "delete-word":
      return same(remove(s, wordStartBefore(s.text, s.cursor), s.cursor));
    case "up":
    case "ctrl-p":
      return same(verticalMove(s, -1) ?? (s.historyIndex > 0 ? browse(s, s.historyIndex - 1) : s));
    case "down":
    case "ctrl-n":
      return same(
        verticalMove(s, 1) ??
          (s.historyIndex < s.history.length ? browse(s, s.historyIndex + 1) : s),
      );
    case "tab":
      return complete(s, completer);
    case "ctrl-c":
      if (s.text === "" && state.interruptArmed) return { state: s, effects: [{ type: "exit" }] };
      return {
        state: { ...createEditorState(s.history), interruptArmed: s.text === "" },
        effects: [{ type: "interrupt" }],
      };
    case "ctrl-d":
      if (s.text === "") return { state: s, effects: [{ type: "eof" }] };
      return same(
        s.cursor === s.text.length ? s : remove(s, s.cursor, nextBoundary(s.text, s.cursor)),
      );
    case "ctrl-l":
      return { state: s, effects: [{ type: "clear-screen" }] };
    default:
      return same(s);
  }
}
