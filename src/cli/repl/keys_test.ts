import { deepEqual } from "node:assert/strict";
import { createKeyDecoder, type Key } from "./keys.ts";

const k = (name: string): Key => ({ type: "key", name } as Key);

Deno.test("terminal input decodes into keys, text runs and pastes", () => {
  const table: [string, Key[]][] = [
    ["abc", [{ type: "text", text: "abc" }]],
    ["é日\r", [{ type: "text", text: "é日" }, k("enter")]],
    ["\x1b[A\x1b[B\x1b[C\x1b[D", [k("up"), k("down"), k("right"), k("left")]],
    ["\x1bOH\x1bOF\x1b[H\x1b[F\x1b[1~\x1b[4~", [
      k("home"),
      k("end"),
      k("home"),
      k("end"),
      k("home"),
      k("end"),
    ]],
    ["\x1b[3~\x7f\x08", [k("delete"), k("backspace"), k("backspace")]],
    ["\x01\x05\x0b\x15\x17\x03\x04", [
      k("ctrl-a"),
      k("ctrl-e"),
      k("ctrl-k"),
      k("ctrl-u"),
      k("ctrl-w"),
      k("ctrl-c"),
      k("ctrl-d"),
    ]],
    ["\t", [k("tab")]],
    ["\x1b\r\n\x1b[13;2u\x1b[27;2;13~", [k("newline"), k("newline"), k("newline"), k("newline")]],
    ["\x1b[1;5C\x1b[1;5D\x1bb\x1bf\x1b\x7f", [
      k("word-right"),
      k("word-left"),
      k("word-left"),
      k("word-right"),
      k("delete-word"),
    ]],
    ["\x1b[200~line 1\r\nline 2\x1b[201~\r", [
      { type: "paste", text: "line 1\nline 2" },
      k("enter"),
    ]],
    ["\x1b", [k("escape")]],
  ];
  for (const [input, want] of table) {
    deepEqual(createKeyDecoder().feed(input), want, JSON.stringify(input));
  }
});

Deno.test("escape sequences and pastes split across reads are joined", () => {
  const d = createKeyDecoder();
  deepEqual(d.feed("a\x1b["), [{ type: "text", text: "a" }]);
  deepEqual(d.feed("D"), [k("left")]);
  deepEqual(d.feed("\x1b[200~one\n"), []);
  deepEqual(d.feed("two\x1b[20"), []);
  deepEqual(d.feed("1~x"), [{ type: "paste", text: "one\ntwo" }, { type: "text", text: "x" }]);
});

Deno.test("a paste keeps control characters as text instead of acting on them", () => {
  deepEqual(createKeyDecoder().feed("\x1b[200~a\x03b\x1b[201~"), [{
    type: "paste",
    text: "a\x03b",
  }]);
});
