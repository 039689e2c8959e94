// The REPL's terminal pieces in a real pseudo-terminal (tmux): the line editor, history across
// restarts, paste, completion, slash commands, the permission prompt and Ctrl-C.
import { deepEqual, equal, ok } from "node:assert/strict";
import { join } from "node:path";
import { startPty } from "./_lib/pty.ts";

const DEMO = new URL("./repl_pieces_demo.ts", import.meta.url).pathname;
const ROOT = new URL("..", import.meta.url).pathname;

function demo(history: string) {
  return startPty(["deno", "run", "--allow-all", DEMO, history], {
    cols: 100,
    rows: 30,
    cwd: ROOT,
    env: { NO_COLOR: "1" },
  });
}

Deno.test("the line editor edits, completes, pastes and asks permission in a real terminal", async () => {
  const dir = await Deno.makeTempDir();
  const history = join(dir, "history");
  try {
    await using pty = await demo(history);
    await pty.waitFor(/demo>/);
    await pty.type("hello wrld");
    await pty.keys("Left", "Left", "Left");
    await pty.type("o");
    await pty.keys("Enter");
    await pty.waitFor(/you said: "hello world"/);

    await pty.type("/co");
    await pty.keys("Tab");
    await pty.waitFor(/\/compact {2}\/cost/);
    await pty.type("mpct");
    await pty.keys("Enter");
    await pty.waitFor(/Cannot run "\/compct": no such command; did you mean \/compact\?/);

    await pty.paste("line one\nline two");
    await pty.keys("Enter");
    await pty.waitFor(/you said: "line one\\nline two"/);

    await pty.type("/perm");
    await pty.keys("Enter");
    await pty.waitFor(/\[n\] deny/);
    ok((await pty.screen()).includes("    rm -rf build"), "the exact command is shown");
    await pty.type("n");
    await pty.type("too risky");
    await pty.keys("Enter");
    await pty.waitFor(/answer=deny reason=too risky/);

    await pty.keys("C-c");
    await pty.waitFor(/interrupted/);
    await pty.keys("C-c");
    await pty.waitFor(/bye \(exit\)/);
    equal(await pty.waitForExit(), 0);
    const screen = await pty.transcript();
    equal(screen.match(/demo> hello world/g)?.length, 1, "edits redraw in place:\n" + screen);
  } finally {
    const lines = (await Deno.readTextFile(history)).trim().split("\n").map((l) => JSON.parse(l));
    await Deno.remove(dir, { recursive: true });
    deepEqual(lines, ["hello world", "/compct", "line one\nline two", "/perm"]);
  }
});

Deno.test("history survives a restart and Ctrl-D on an empty line ends the program", async () => {
  const dir = await Deno.makeTempDir();
  const history = join(dir, "history");
  try {
    await Deno.writeTextFile(history, '"npm test"\n"git status"\n');
    await using pty = await demo(history);
    await pty.waitFor(/demo>/);
    await pty.keys("Up", "Up");
    await pty.waitFor(/demo> npm test/);
    await pty.keys("Enter");
    await pty.waitFor(/you said: "npm test"/);
    await pty.type("abc\\");
    await pty.keys("Enter");
    await pty.type("def");
    await pty.keys("Enter");
    await pty.waitFor(/you said: "abc\\ndef"/);
    await pty.keys("C-d");
    await pty.waitFor(/bye \(eof\)/);
    equal(await pty.waitForExit(), 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
