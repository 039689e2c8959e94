import { deepEqual, equal, ok } from "node:assert/strict";
import { createMemoryHistory } from "./history.ts";
import { createLineEditor } from "./line_editor.ts";
import type { TerminalIO } from "./terminal.ts";

/** A terminal fed from a list of input chunks; records what was written and the raw-mode calls. */
class FakeTerminal implements TerminalIO {
  output = "";
  raw: boolean[] = [];
  constructor(private chunks: string[], private width = 80) {}
  read() {
    return Promise.resolve(this.chunks.shift() ?? null);
  }
  write(text: string) {
    this.output += text;
  }
  setRaw(on: boolean) {
    this.raw.push(on);
  }
  columns() {
    return this.width;
  }
}

Deno.test("read returns the edited line, in raw mode with bracketed paste only while reading", async () => {
  const term = new FakeTerminal(["helo", "\x1b[D", "l", "\r"]);
  const editor = await createLineEditor(term);
  deepEqual(await editor.read("> "), { type: "line", text: "hello" });
  deepEqual(term.raw, [true, false]);
  ok(term.output.startsWith("\x1b[?2004h"));
  ok(term.output.endsWith("\r\n\x1b[?2004l"));
});

Deno.test("submitted lines go to the history store and come back with Up in the next session", async () => {
  const store = createMemoryHistory(["old"]);
  const first = await createLineEditor(new FakeTerminal(["\x1b[A", "!\r", "  \r"]), {
    history: store,
  });
  deepEqual(await first.read("> "), { type: "line", text: "old!" });
  deepEqual(await first.read("> "), { type: "line", text: "  " });
  deepEqual(store.entries, ["old", "old!"], "blank lines are not stored");
  const second = await createLineEditor(new FakeTerminal(["\x1b[A\x1b[A\r"]), { history: store });
  deepEqual(await second.read("> "), { type: "line", text: "old" });
});

Deno.test("Ctrl-C, Ctrl-C twice, Ctrl-D and closed input end a read distinctly", async () => {
  const editor = await createLineEditor(new FakeTerminal(["typed\x03", "\x03", "\x03", "\x04"]));
  deepEqual(await editor.read("> "), { type: "interrupt" });
  deepEqual(await editor.read("> "), { type: "interrupt" });
  deepEqual(await editor.read("> "), { type: "exit" });
  deepEqual(await editor.read("> "), { type: "eof" });
  deepEqual(await editor.read("> "), { type: "eof" }, "input closed");
});

Deno.test("a pasted block with newlines is one input, submitted by Enter", async () => {
  const term = new FakeTerminal(["\x1b[200~a\nb\x1b[201~", "\r"]);
  const editor = await createLineEditor(term);
  deepEqual(await editor.read("> "), { type: "line", text: "a\nb" });
  ok(term.output.includes("> a\x1b[K\r\n  b"), "the second line is drawn under the first");
});

Deno.test("Tab lists candidates below the line and redraws the prompt", async () => {
  const term = new FakeTerminal(["/c\t", "l\t\r"]);
  const editor = await createLineEditor(term, {
    complete: (text, cursor) => ({
      from: 0,
      candidates: ["/clear", "/cost"].filter((c) => c.startsWith(text.slice(0, cursor))),
    }),
  });
  deepEqual(await editor.read("> "), { type: "line", text: "/clear " });
  ok(term.output.includes("/clear  /cost\r\n"), JSON.stringify(term.output));
});

Deno.test("a history store that fails to write is reported and the line still returned", async () => {
  const errors: unknown[] = [];
  const editor = await createLineEditor(new FakeTerminal(["x\r"]), {
    history: {
      load: () => Promise.resolve([]),
      append: () => Promise.reject(new Error("disk full")),
    },
    onHistoryError: (err) => errors.push(err),
  });
  deepEqual(await editor.read("> "), { type: "line", text: "x" });
  equal(errors.length, 1);
});
