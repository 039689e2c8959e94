import { deepEqual, equal } from "node:assert/strict";
import {
  type Completer,
  createEditorState,
  type EditorEffect,
  type EditorState,
  reduceEditor,
} from "./editor.ts";
import type { Key } from "./keys.ts";

const t = (text: string): Key => ({ type: "text", text });
const k = (name: string): Key => ({ type: "key", name } as Key);

function run(keys: Key[], start = createEditorState(), completer?: Completer) {
  let state: EditorState = start;
  const effects: EditorEffect[] = [];
  for (const key of keys) {
    const step = reduceEditor(state, key, completer);
    state = step.state;
    effects.push(...step.effects);
  }
  return { state, effects };
}

/** The text with a `|` at the cursor. */
const show = (s: EditorState) => `${s.text.slice(0, s.cursor)}|${s.text.slice(s.cursor)}`;

Deno.test("editing keys move the cursor and change the text as readline does", () => {
  const table: [string, Key[], string][] = [
    ["typing", [t("hello")], "hello|"],
    ["left and insert", [t("helo"), k("left"), t("l")], "hell|o"],
    ["home and end", [t("abc"), k("home"), t("x"), k("end"), t("y")], "xabcy|"],
    ["ctrl-a and ctrl-e", [t("abc"), k("ctrl-a"), t(">"), k("ctrl-e")], ">abc|"],
    ["backspace at start does nothing", [t("ab"), k("home"), k("backspace")], "|ab"],
    ["backspace", [t("abc"), k("backspace")], "ab|"],
    ["delete", [t("abc"), k("home"), k("delete")], "|bc"],
    ["ctrl-k kills to the end", [t("hello world"), k("home"), k("right"), k("ctrl-k")], "h|"],
    ["ctrl-u kills to the start", [t("hello world"), k("left"), k("ctrl-u")], "|d"],
    ["ctrl-w deletes a word", [t("git commit -m"), k("ctrl-w")], "git commit |"],
    ["ctrl-w eats trailing spaces too", [t("one two  "), k("ctrl-w")], "one |"],
    [
      "word moves",
      [t("one two three"), k("word-left"), k("word-left"), k("word-right")],
      "one two| three",
    ],
    ["left over an emoji is one step", [t("a👍b"), k("left"), k("left"), t("x")], "ax|👍b"],
    ["backspace removes a whole emoji", [t("a👍"), k("backspace")], "a|"],
    ["ctrl-d deletes forward on a non-empty line", [t("ab"), k("home"), k("ctrl-d")], "|b"],
    [
      "a trailing backslash then Enter continues the line",
      [t("one\\"), k("enter"), t("two")],
      "one\ntwo|",
    ],
    ["alt-enter inserts a newline", [t("a"), k("newline"), t("b")], "a\nb|"],
    ["a paste with newlines stays one input", [{ type: "paste", text: "x\r\ny" }], "x\ny|"],
    ["up moves within a multi-line text", [t("abc"), k("newline"), t("d"), k("up")], "a|bc\nd"],
    [
      "home goes to the start of the current line",
      [t("ab"), k("newline"), t("cd"), k("home")],
      "ab\n|cd",
    ],
  ];
  for (const [name, keys, want] of table) {
    const { state, effects } = run(keys);
    equal(show(state), want, name);
    deepEqual(effects, [], name);
  }
});

Deno.test("Enter submits the text, resets the line and records it in history", () => {
  const { state, effects } = run([t("ls"), k("enter")]);
  deepEqual(effects, [{ type: "submit", text: "ls" }]);
  equal(state.text, "");
  deepEqual(state.history, ["ls"]);
  const again = run([t("ls"), k("enter"), k("enter")], state);
  deepEqual(again.state.history, ["ls"], "repeats and empty lines are not recorded");
});

Deno.test("up and down walk history and bring back the line being typed", () => {
  const start = createEditorState(["first", "second"]);
  equal(run([k("up")], start).state.text, "second");
  equal(run([k("up"), k("up"), k("up")], start).state.text, "first");
  equal(run([t("draft"), k("up"), k("up"), k("down"), k("down")], start).state.text, "draft");
  const edited = run([k("up"), t("!"), k("enter")], start);
  deepEqual(edited.effects, [{ type: "submit", text: "second!" }]);
  deepEqual(edited.state.history, ["first", "second", "second!"]);
});

Deno.test("Ctrl-C interrupts; twice on an empty line exits; Ctrl-D on an empty line is EOF", () => {
  const table: [string, Key[], EditorEffect[]][] = [
    ["clears a typed line", [t("half"), k("ctrl-c")], [{ type: "interrupt" }]],
    ["twice on empty exits", [k("ctrl-c"), k("ctrl-c")], [{ type: "interrupt" }, { type: "exit" }]],
    ["typed then twice needs a third", [t("x"), k("ctrl-c"), k("ctrl-c")], [
      { type: "interrupt" },
      { type: "interrupt" },
    ]],
    ["another key disarms", [k("ctrl-c"), t("a"), k("backspace"), k("ctrl-c")], [
      { type: "interrupt" },
      { type: "interrupt" },
    ]],
    ["ctrl-d on empty", [k("ctrl-d")], [{ type: "eof" }]],
  ];
  for (const [name, keys, want] of table) deepEqual(run(keys).effects, want, name);
  equal(run([t("half"), k("ctrl-c")]).state.text, "");
});

Deno.test("Tab completes through the callback: unique, common prefix, or a list", () => {
  const names = ["/compact", "/cost", "/clear", "/quit"];
  const completer: Completer = (text, cursor) => ({
    from: 0,
    candidates: names.filter((n) => n.startsWith(text.slice(0, cursor))),
  });
  equal(show(run([t("/q"), k("tab")], undefined, completer).state), "/quit |");
  equal(show(run([t("/com"), k("tab")], undefined, completer).state), "/compact |");
  equal(show(run([t("/co"), k("tab")], undefined, completer).state), "/co|");
  deepEqual(run([t("/co"), k("tab")], undefined, completer).effects, [{
    type: "list",
    items: ["/compact", "/cost"],
  }]);
  deepEqual(run([t("/x"), k("tab")], undefined, completer).effects, [{ type: "bell" }]);
  deepEqual(run([k("tab")]).effects, [{ type: "bell" }], "no completer: a bell");
});
