// Terminal-escape and invisible-character injection: untrusted text (model replies, tool calls and
// output, titles, graph nodes) reaches a person's terminal with its control, invisible and
// reordering characters shown, never acted on. Loom's own styling still works.
import assert from "node:assert/strict";
import type { AgentEvent } from "../src/agent/mod.ts";
import type { PermissionRequest } from "../src/core/mod.ts";
import { LoomError } from "../src/core/mod.ts";
import { createStyle, type TerminalInfo } from "../src/cli/render/ansi.ts";
import type { Spinner } from "../src/cli/render/status.ts";
import { createTurnView } from "../src/cli/render/turn_view.ts";
import { formatPermissionQuestion } from "../src/cli/repl/permission_prompt.ts";
import { createTerminalAsker } from "../src/cli/prompt.ts";
import { createElicitingAsker, type ElicitAnswer } from "../src/mcp/server/tools.ts";
import type { Decision } from "../src/permissions/types.ts";
import { runLoom } from "./_lib/cli.ts";
import { reply, startFakeLlm } from "./_lib/fake_llm.ts";
import { scriptedAgent } from "./_lib/agent_script.ts";
import { createTempProject } from "./_lib/project.ts";
import { startLoom, startPty } from "./_lib/pty.ts";
import { denoDir, tempHome } from "./_lib/home.ts";

const MAIN = new URL("../src/main.ts", import.meta.url).pathname;

/** Loom's own colours (SGR sequences) removed; whatever ESC is left came from untrusted text. */
// deno-lint-ignore no-control-regex
const withoutLoomColours = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, "");
// deno-lint-ignore no-control-regex
const RAW_CONTROL = /[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

/** A shell command that looks harmless once the terminal has acted on its escapes. */
const HOSTILE_COMMAND = "echo ok \u202e; touch pwned.txt\x1b[8m # just a listing";
/** A model reply that clears the screen, writes the clipboard and retitles the window. */
const HOSTILE_TEXT = "Done. \x1b]52;c;cm0gLXJmIH4=\x07Nothing to see\x1b[2J here\x1b]0;pwned\x07." +
  " Also \u009b31mC1 CSI\r overwrite";

const decision: Decision = {
  action: "ask",
  rule: "default",
  source: "default",
  reason: "commands ask by default",
};

Deno.test("the permission prompt shows a bidi override and a conceal sequence in a shell command", () => {
  const request: PermissionRequest = { kind: "shell", tool: "shell", command: HOSTILE_COMMAND };
  const shown = formatPermissionQuestion(
    { request, decision, input: { command: HOSTILE_COMMAND, note: "a\u200bb\x1b]8;;x\x07" } },
    createStyle(true),
  );
  const text = withoutLoomColours(shown);
  assert.ok(!text.includes("\x1b") && !RAW_CONTROL.test(text), JSON.stringify(text));
  const visible = "echo ok <U+202E>; touch pwned.txt\\x1b[8m # just a listing";
  assert.equal(text.split("\n")[0], `? Loom wants to run the shell command: ${visible}`);
  assert.equal(text.split("\n")[1], `    ${visible}`);
  assert.ok(text.includes(`note: "a<U+200B>b\\u001b]8;;x\\u0007"`), text);
  // Loom's own colours are untouched: the command is cyan, the question bold.
  assert.equal(shown.split("\n")[1], `    \x1b[36m${visible}\x1b[39m`);
  assert.ok(shown.includes("\x1b[1mLoom wants to run the shell command: echo ok <U+202E>"));
});

function fakeSpinner(): Spinner {
  let running = false;
  return {
    get running() {
      return running;
    },
    start: () => running = true,
    update() {},
    stop: () => running = false,
  };
}

Deno.test("model text, tool lines, diffs and errors in a turn reach the terminal without a raw escape", () => {
  let out = "";
  const terminal: TerminalInfo = { isTty: true, color: true, columns: 100 };
  const view = createTurnView({
    write: (t) => out += t,
    terminal,
    style: createStyle(true),
    spinner: fakeSpinner(),
    diffOf: () => "--- a.txt\n+++ a.txt\n@@ -1 +1 @@\n-old\n+new\x1b]52;c;Zm9v\x07\n",
    now: () => 0,
  });
  const events: AgentEvent[] = [
    { type: "step", step: 1, role: "main", model: "m" },
    // ESCs at the ends of deltas: the streamed text is cut right after them.
    ...["Here \x1b", "]52;c;cm0gLXJm\x07 and \x1b", "[2J **bold** \u202Eevil\n"].map(
      (text): AgentEvent => ({ type: "text-delta", text, role: "main" }),
    ),
    { type: "tool-start", id: "1", name: "shell", input: { command: HOSTILE_COMMAND } },
    {
      type: "tool-end",
      id: "1",
      name: "shell",
      outcome: { text: "Cannot run \x1b[2J: no", isError: true },
      durationMs: 5,
    },
    { type: "tool-start", id: "2", name: "file_edit", input: { path: "a\u200b.txt" } },
    {
      type: "tool-end",
      id: "2",
      name: "file_edit",
      outcome: { text: "ok", structured: { changed: true, added: 1, removed: 1 } },
      durationMs: 5,
    },
    { type: "error", error: new LoomError("PROVIDER", "Cannot reach \x1b]0;x\x07: down") },
  ];
  for (const event of events) view.handle(event);
  view.pause();
  const text = withoutLoomColours(out);
  assert.ok(!text.includes("\x1b") && !RAW_CONTROL.test(text), JSON.stringify(text));
  for (
    const want of [
      "Here \\x1b]52;c;cm0gLXJm\\x07 and \\x1b[2J bold <U+202E>evil",
      "shell echo ok <U+202E>; touch pwned.txt\\x1b[8m # just a listing: Cannot run \\x1b[2J: no",
      "file_edit a<U+200B>.txt (+1 −1)",
      "+new\\x1b]52;c;Zm9v\\x07",
      "Cannot reach \\x1b]0;x\\x07: down",
    ]
  ) assert.ok(text.includes(want), `${want} in ${JSON.stringify(text)}`);
  assert.ok(out.includes("\x1b[1mbold\x1b[22m"), "markdown styling still works");
  assert.ok(out.includes("\x1b[32m+new"), "diff colours still work");
});

Deno.test("an MCP elicitation and the loom tool prompt show the command exactly, invisible characters included", async () => {
  const messages: string[] = [];
  const ask = createElicitingAsker((message): Promise<ElicitAnswer> => {
    messages.push(message);
    return Promise.resolve({ action: "decline" });
  });
  const answer = await ask(
    { kind: "shell", tool: "shell", command: `ls\u200b${HOSTILE_COMMAND}` },
    decision,
  );
  assert.equal(answer, "deny");
  assert.equal(
    messages[0],
    "Loom wants to run the shell command: ls<U+200B>echo ok <U+202E>; touch pwned.txt\\x1b[8m" +
      " # just a listing (commands ask by default)",
  );
  let written = "";
  const terminalAsk = createTerminalAsker(() => Promise.resolve("n"), (t) => written += t);
  assert.equal(
    await terminalAsk({ kind: "shell", tool: "shell", command: HOSTILE_COMMAND }, decision),
    "deny",
  );
  assert.ok(
    written.includes("echo ok <U+202E>; touch pwned.txt\\x1b[8m # just a listing\n"),
    written,
  );
  assert.ok(!written.includes("\x1b"));
});

Deno.test("in the REPL a hostile reply and a hostile command are shown as text, and a denied command never runs", async () => {
  await using llm = await startFakeLlm({
    fallback: scriptedAgent([
      reply.text(HOSTILE_TEXT, { chunks: 7 }),
      reply.toolCall("shell", { command: HOSTILE_COMMAND }),
      reply.text("Not run."),
    ]),
  });
  await using project = await createTempProject({}, { git: true });
  await using pty = await startLoom(project.root, llm.env(), [], { cols: 160 });
  await pty.waitFor(/›/);
  await pty.type("say something");
  await pty.keys("Enter");
  // Had the escapes reached tmux they would have been acted on, leaving no such text.
  const first = await pty.waitFor(/ out · /, { timeoutMs: 20_000 });
  assert.ok(
    first.includes(
      "Done. \\x1b]52;c;cm0gLXJmIH4=\\x07Nothing to see\\x1b[2J here\\x1b]0;pwned\\x07." +
        " Also \\x9b31mC1 CSI\\r overwrite",
    ),
    first,
  );
  await pty.type("list the files");
  await pty.keys("Enter");
  const asked = await pty.waitFor(/\[n\] deny/, { timeoutMs: 20_000 });
  assert.ok(
    asked.includes(
      "Loom wants to run the shell command: echo ok <U+202E>; touch pwned.txt\\x1b[8m # just a listing",
    ),
    asked,
  );
  await pty.type("n");
  await pty.keys("Enter");
  await pty.waitFor(/Not run\./, { timeoutMs: 20_000 });
  await assert.rejects(Deno.stat(project.path("pwned.txt")), Deno.errors.NotFound);
  const ansi = await pty.transcript({ ansi: true });
  assert.ok(!ansi.includes("\x1b[8m"), "nothing on screen is concealed");
  await pty.keys("C-d");
  assert.equal(await pty.waitForExit(), 0);
});

Deno.test("loom -p on a terminal shows a hostile answer as text, and piped it stays exact", async () => {
  await using llm = await startFakeLlm({
    fallback: scriptedAgent([reply.text(HOSTILE_TEXT), reply.text(HOSTILE_TEXT)], {
      title: "Title \x1b]0;pwned\x07 \u202Eevil",
    }),
  });
  await using project = await createTempProject();
  const home = await tempHome();
  try {
    {
      await using pty = await startPty(
        ["deno", "run", "--allow-all", "--quiet", MAIN, "-p", "hello"],
        {
          cols: 160,
          cwd: project.root,
          env: { ...llm.env(), HOME: home, DENO_DIR: denoDir(), LOOM_HOME: home, NO_COLOR: "1" },
        },
      );
      assert.equal(await pty.waitForExit({ timeoutMs: 20_000 }), 0);
      const screen = await pty.transcript();
      assert.ok(screen.includes("Done. \\x1b]52;c;cm0gLXJmIH4=\\x07Nothing to see"), screen);
    }
    const piped = await runLoom(["-p", "hello again"], {
      cwd: project.root,
      home,
      env: llm.env(),
    });
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(piped.stdout, `${HOSTILE_TEXT}\n`, "a script gets the model's text as written");
    // Session titles come from the model: the listing shows their escapes, --json keeps them.
    const list = await runLoom(["sessions"], { cwd: project.root, home });
    assert.ok(list.stdout.includes("Title \\x1b]0;pwned\\x07 <U+202E>evil"), list.stdout);
    assert.ok(!withoutLoomColours(list.stdout).includes("\x1b"));
    const json = await runLoom(["sessions", "--json"], { cwd: project.root, home });
    assert.equal(JSON.parse(json.stdout)[0].title, "Title \x1b]0;pwned\x07 \u202Eevil");
  } finally {
    await Deno.remove(home, { recursive: true }).catch(() => {});
  }
});

Deno.test("loom graph shows node titles and bodies written with escapes as text", async () => {
  await using project = await createTempProject({}, { git: true });
  const home = await tempHome();
  try {
    const added = await runLoom(
      ["graph", "add", "goal", "Ship \x1b[2J\x1b]0;pwned\x07it", "--body", "line\x1b[8m hidden"],
      { cwd: project.root, home },
    );
    assert.equal(added.code, 0, added.stderr);
    assert.ok(added.stdout.includes('"Ship \\x1b[2J\\x1b]0;pwned\\x07it"'), added.stdout);
    const list = await runLoom(["graph", "list"], { cwd: project.root, home });
    assert.ok(list.stdout.includes("Ship \\x1b[2J\\x1b]0;pwned\\x07it"), list.stdout);
    const show = await runLoom(["graph", "show", "1"], { cwd: project.root, home });
    assert.ok(show.stdout.includes("line\\x1b[8m hidden"), show.stdout);
    for (const run of [added, list, show]) assert.ok(!run.stdout.includes("\x1b"), run.stdout);
    const json = await runLoom(["graph", "show", "1", "--json"], { cwd: project.root, home });
    assert.equal(JSON.parse(json.stdout).node.title, "Ship \x1b[2J\x1b]0;pwned\x07it");
  } finally {
    await Deno.remove(home, { recursive: true }).catch(() => {});
  }
});
