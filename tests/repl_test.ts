// The REPL end to end: `loom` in a real pseudo-terminal (tmux) against the fake provider.
import assert from "node:assert/strict";
import { join } from "node:path";
import { type FakeLlm, type RecordedRequest, reply, startFakeLlm } from "./_lib/fake_llm.ts";
import { kindOf, scriptedAgent, sentText } from "./_lib/agent_script.ts";
import { createTempProject, type TempProject } from "./_lib/project.ts";
import { type Pty, startLoom } from "./_lib/pty.ts";
import { runLoom } from "./_lib/cli.ts";
import { holdSession } from "./_lib/session_holder.ts";

const MAIN = new URL("../src/main.ts", import.meta.url).pathname;

const turns = (llm: FakeLlm) => llm.requests.filter((r: RecordedRequest) => kindOf(r) === "turn");

/** Starts `loom ARGS` on `project` in a 100×40 terminal, colour on unless `plain`. */
function loom(
  project: TempProject,
  llm: FakeLlm,
  args: string[] = [],
  options: { plain?: boolean } = {},
): Promise<Pty & { home: string }> {
  return startLoom(project.root, llm.env(), args, options);
}

/** Sends a line and waits for the usage line that ends the turn (the `n`-th one on screen). */
async function ask(pty: Pty, text: string, turn: number): Promise<string> {
  await pty.type(text);
  await pty.keys("Enter");
  return await waitCount(pty, / out · /g, turn);
}

async function waitCount(pty: Pty, pattern: RegExp, count: number): Promise<string> {
  return await pty.waitFor(
    new RegExp(`(?:[\\s\\S]*?${pattern.source}){${count}}`),
    { timeoutMs: 20_000 },
  );
}

/** Polls for a file a child process writes (bounded like waitFor). */
async function waitForFile(path: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    try {
      const text = await Deno.readTextFile(path);
      if (text.endsWith("\n")) return text.trim();
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`Timed out waiting for ${path}`);
}

/** True while `pid` is a live process (a zombie counts as gone). */
async function alive(pid: number): Promise<boolean> {
  try {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

Deno.test("a multi-turn REPL session shows edits as coloured diffs and asks permission each way", async () => {
  await using llm = await startFakeLlm({
    fallback: scriptedAgent([
      reply.toolCall("file_read", { path: "a.txt" }),
      reply.toolCall("file_edit", {
        path: "a.txt",
        edits: [{ old_string: "alpha", new_string: "beta" }],
      }),
      reply.text("I changed **alpha** to beta."),
      reply.toolCall("shell", { command: "echo one >> log.txt" }),
      reply.toolCall("shell", { command: "echo one >> log.txt" }),
      reply.text("Logged twice."),
      reply.toolCall("file_write", { path: "evil.txt", content: "x" }),
      (request) =>
        reply.text(
          sentText(request).includes("not today") ? "Understood: not today." : "No reason seen.",
        ),
    ]),
  });
  await using project = await createTempProject({ "a.txt": "alpha\n" }, { git: true });
  await using pty = await loom(project, llm, [], { plain: false });
  await pty.waitFor(/›/);

  await pty.type("change alpha to beta");
  await pty.keys("Enter");
  await pty.waitFor(/Loom wants to write a\.txt \(file_edit\)[\s\S]*\[n\] deny/);
  assert.match(await pty.screen(), /new_string.*beta/, "the exact arguments are shown");
  await pty.type("y");
  const coloured = await pty.waitFor(/ out · /, { ansi: true });
  const esc = (codes: string) => `\x1b[${codes}m`;
  assert.ok(coloured.includes(`${esc("31")}-alpha\n`), "removals are red");
  assert.ok(coloured.includes(`${esc("32")}+beta\n`), "additions are green");
  assert.match(
    coloured,
    new RegExp(`${esc("36")}(${esc("49")})?@@ -1,1 \\+1,1 @@`.replaceAll("[", "\\[")),
  );
  assert.ok(coloured.includes(`I changed ${esc("1")}alpha`), "markdown bold is rendered");
  assert.equal(await project.read("a.txt"), "beta\n");

  // Allow for the session: the second identical command runs without asking.
  await pty.type("log something twice");
  await pty.keys("Enter");
  await pty.waitFor(/Loom wants to run[\s\S]*echo one >> log\.txt[\s\S]*\[n\] deny/);
  await pty.type("a");
  await waitCount(pty, / out · /, 2);
  assert.equal(await project.read("log.txt"), "one\none\n");
  assert.equal((await pty.transcript()).match(/Loom wants to run/g)?.length, 1);

  // Deny with a reason: nothing is written and the model hears why.
  await pty.type("write evil.txt");
  await pty.keys("Enter");
  await pty.waitFor(/Loom wants to write evil\.txt/);
  await pty.type("n");
  await pty.type("not today");
  await pty.keys("Enter");
  await waitCount(pty, / out · /, 3);
  await pty.waitFor(/Understood: not today\./);
  await assert.rejects(Deno.stat(project.path("evil.txt")), Deno.errors.NotFound);

  await pty.type("/permissions");
  await pty.keys("Enter");
  await pty.waitFor(/Granted for this session:\n {2}shell: echo one >> log\.txt/);
  await pty.type("/modle");
  await pty.keys("Enter");
  await pty.waitFor(/no such command; did you mean \/model\?/);
  await pty.keys("C-d");
  assert.equal(await pty.waitForExit(), 0);
  const history = await Deno.readTextFile(project.path(".loom/history"));
  assert.deepEqual(history.trim().split("\n").map((l) => JSON.parse(l)), [
    "change alpha to beta",
    "log something twice",
    "write evil.txt",
    "/permissions",
    "/modle",
  ]);
});

Deno.test("Ctrl-C during a long shell command kills it and the session goes on", async () => {
  await using llm = await startFakeLlm({
    fallback: scriptedAgent([
      reply.toolCall("shell", { command: "echo $$ > shell.pid; sleep 4242" }),
      (request) =>
        reply.text(sentText(request).includes("start a long job") ? "Same session." : "Lost."),
    ]),
  });
  await using project = await createTempProject({}, { git: true });
  await using pty = await loom(project, llm, ["--yes"]);
  await pty.waitFor(/›/);
  await pty.type("start a long job");
  await pty.keys("Enter");
  const pid = Number(
    await waitForFile(project.path("shell.pid")).catch(async (err) => {
      throw new Error(`${err.message}; the terminal shows:\n${await pty.transcript()}`);
    }),
  );
  assert.ok(await alive(pid), "the command is running");
  await pty.waitFor(/○|⠋|shell echo/);
  await pty.keys("C-c");
  await pty.waitFor(/Cancelled; the session continues/);
  assert.equal(await alive(pid), false, `the shell ${pid} is gone`);
  assert.deepEqual(await sleepers("4242"), [], "its child is gone too");
  await ask(pty, "are you still there?", 2);
  await pty.waitFor(/Same session\./);
  await pty.keys("C-c");
  await pty.keys("C-c");
  assert.equal(await pty.waitForExit(), 0);
});

Deno.test("/model switches provider mid-session and /undo restores the last turn's files", async () => {
  await using llm = await startFakeLlm({
    fallback: scriptedAgent([
      reply.toolCall("file_read", { path: "a.txt" }),
      reply.toolCalls([
        { name: "file_write", input: { path: "a.txt", content: "changed\n" } },
        { name: "file_write", input: { path: "new/b.txt", content: "new file\n" } },
      ]),
      reply.text("Wrote both."),
      reply.text("Heard about the undo."),
    ]),
  });
  await using project = await createTempProject({ "a.txt": "original\n" }, { git: true });
  await using pty = await loom(project, llm, ["--yes"]);
  await pty.waitFor(/›/);
  await ask(pty, "rewrite a.txt and add b.txt", 1);
  assert.equal(await project.read("a.txt"), "changed\n");
  assert.equal(await project.read("new/b.txt"), "new file\n");

  await pty.type("/model openai:gpt-5");
  await pty.keys("Enter");
  await pty.waitFor(/Model: openai:gpt-5 \(for the rest of this session\)/);
  await pty.type("/undo");
  await pty.keys("Enter");
  await pty.waitFor(/Undone: /);
  assert.equal(await project.read("a.txt"), "original\n");
  await assert.rejects(Deno.stat(project.path("new/b.txt")), Deno.errors.NotFound);
  await pty.type("/undo");
  await pty.keys("Enter");
  await pty.waitFor(/Nothing to undo/);

  await ask(pty, "what happened?", 2);
  const last = turns(llm).at(-1)!;
  assert.equal(last.api, "openai", "the new model answers");
  assert.match(sentText(last), /rewrite a\.txt and add b\.txt/, "the conversation carried over");
  assert.match(sentText(last), /the user ran \/undo/);
  await pty.keys("C-d");
  assert.equal(await pty.waitForExit(), 0);
});

Deno.test("/undo reverts a shell command's changes: a modified, a deleted and a created file", async () => {
  await using llm = await startFakeLlm({
    fallback: scriptedAgent([
      reply.toolCall("shell", {
        command: "echo changed > mod.txt; rm del.txt; mkdir -p gen; echo new > gen/add.txt",
      }),
      reply.text("Done with the shell."),
    ]),
  });
  await using project = await createTempProject(
    { "mod.txt": "original\n", "del.txt": "keep me\n", "same.txt": "same\n" },
    { git: true },
  );
  const head = await project.git("rev-parse", "HEAD");
  await using pty = await loom(project, llm, ["--yes"]);
  await pty.waitFor(/›/);
  await ask(pty, "change files with the shell", 1);
  assert.equal(await project.read("mod.txt"), "changed\n");
  await assert.rejects(Deno.stat(project.path("del.txt")), Deno.errors.NotFound);
  assert.equal(await project.read("gen/add.txt"), "new\n");

  await pty.type("/undo");
  await pty.keys("Enter");
  await pty.waitFor(/Undone: restored del\.txt, restored mod\.txt, removed gen\/add\.txt/);
  assert.equal(await project.read("mod.txt"), "original\n");
  assert.equal(await project.read("del.txt"), "keep me\n");
  assert.equal(await project.read("same.txt"), "same\n");
  await assert.rejects(Deno.stat(project.path("gen")), Deno.errors.NotFound);
  assert.equal(await project.git("rev-parse", "HEAD"), head, "HEAD did not move");
  assert.equal(await project.git("status", "--porcelain"), "", "the index is as it was");
  await pty.keys("C-d");
  assert.equal(await pty.waitForExit(), 0);
});

Deno.test("/undo in a project without git still reverts file tool edits and says what it missed", async () => {
  await using llm = await startFakeLlm({
    fallback: scriptedAgent([
      reply.toolCall("file_read", { path: "a.txt" }),
      reply.toolCalls([
        {
          name: "file_edit",
          input: { path: "a.txt", edits: [{ old_string: "one", new_string: "two" }] },
        },
        { name: "file_write", input: { path: "b.txt", content: "new\n" } },
      ]),
      reply.text("Edited."),
    ]),
  });
  await using project = await createTempProject({ "a.txt": "one\n" });
  await using pty = await loom(project, llm, ["--yes"]);
  await pty.waitFor(/›/);
  await ask(pty, "edit a.txt", 1);
  assert.equal(await project.read("a.txt"), "two\n");
  await pty.type("/undo");
  await pty.keys("Enter");
  await pty.waitFor(/Undone: restored a\.txt, removed b\.txt\n.*not a git repository/);
  assert.equal(await project.read("a.txt"), "one\n");
  await assert.rejects(Deno.stat(project.path("b.txt")), Deno.errors.NotFound);
  await pty.keys("C-d");
  assert.equal(await pty.waitForExit(), 0);
});

Deno.test("keys typed while a turn runs are not echoed over its output, and wait for the next prompt", async () => {
  await using llm = await startFakeLlm({
    fallback: scriptedAgent([
      reply.toolCall("shell", {
        command: "echo started > started.txt; while [ ! -e go.txt ]; do sleep 0.02; done",
      }),
      reply.text("Finished waiting."),
    ]),
  });
  await using project = await createTempProject({}, { git: true });
  await using pty = await loom(project, llm, ["--yes"]);
  await pty.waitFor(/›/);
  await pty.type("wait for go");
  await pty.keys("Enter");
  await waitForFile(project.path("started.txt"));
  // The spinner redraws its line and would wipe an echo off the screen: ask the terminal itself.
  const tty = await Deno.readLink(`/proc/${await findLoomPid(project.root)}/fd/0`);
  const mode = await sttyMode(tty);
  assert.match(mode, /(^|\s)-echo(\s|$)/, "keys are not echoed");
  assert.match(mode, /(^|\s)isig(\s|$)/, "Ctrl-C still raises SIGINT");
  await pty.type("zzqq");
  await project.write("go.txt", "");
  const screen = await waitCount(pty, / out · /, 1);
  const turn = screen.slice(screen.indexOf("wait for go"), screen.search(/ out · /));
  assert.doesNotMatch(turn, /zzqq/, "nothing was echoed during the turn");
  await pty.waitFor(/Finished waiting\.[\s\S]*› zzqq/);
  await pty.keys("C-u");
  await pty.keys("C-d");
  assert.equal(await pty.waitForExit(), 0);
});

Deno.test("/compact summarises the conversation and the next turn sees the summary", async () => {
  await using llm = await startFakeLlm({
    fallback: scriptedAgent(
      [reply.text("One."), reply.text("Two."), reply.text("Three.")],
      { summary: "Summary: we counted to two.\nFacts:\n- decision: count slowly\n" },
    ),
  });
  await using project = await createTempProject({}, { git: true });
  await using pty = await loom(project, llm);
  await pty.waitFor(/›/);
  await ask(pty, "say one", 1);
  await ask(pty, "say two", 2);
  await pty.type("/compact");
  await pty.keys("Enter");
  await pty.waitFor(/Compacted \d+ messages: \d+ → \d+ tokens; 1 facts kept in the graph/);
  await ask(pty, "say three", 3);
  const last = sentText(turns(llm).at(-1)!);
  assert.match(last, /Loom compacted the \d+ earliest messages[\s\S]*we counted to two/);
  assert.doesNotMatch(last, /say one/);
  await pty.type("/decisions count");
  await pty.keys("Enter");
  await pty.waitFor(/#1 .*Decision: count slowly/);
  await pty.keys("C-d");
  assert.equal(await pty.waitForExit(), 0);
});

Deno.test("a killed REPL loses nothing: --resume offers a pick list and the session carries on", async () => {
  await using llm = await startFakeLlm({
    fallback: scriptedAgent(
      [
        reply.text("Noted: the password hint is teal."),
        (request) =>
          reply.text(sentText(request).includes("teal") ? "It was teal." : "I do not know."),
      ],
      { title: "Remembering a colour" },
    ),
  });
  await using project = await createTempProject({}, { git: true });
  {
    await using first = await loom(project, llm);
    await first.waitFor(/›/);
    await ask(first, "remember: teal", 1);
    await first.type("typed but never sent");
    const pid = await findLoomPid(project.root);
    Deno.kill(pid, "SIGKILL");
    assert.equal(await first.waitForExit(), 137);
  }
  await using second = await loom(project, llm, ["--resume"]);
  await second.waitFor(/Resume which session\?/);
  assert.match(await second.screen(), / 1\. [0-9a-f]{8} .*Remembering a colour/);
  await second.type("1");
  await second.keys("Enter");
  await second.waitFor(/Resumed "Remembering a colour" \(2 messages\)/);
  await second.keys("Up");
  await second.waitFor(/› remember: teal/, { timeoutMs: 5000 });
  await second.keys("C-u");
  await ask(second, "what colour?", 1);
  await second.waitFor(/It was teal\./);
  await second.keys("C-d");
  assert.equal(await second.waitForExit(), 0);
});

/** The settings of a terminal device, as `stty -a` prints them. */
async function sttyMode(tty: string): Promise<string> {
  const out = await new Deno.Command("stty", { args: ["-F", tty, "-a"], stdout: "piped" }).output();
  assert.ok(out.success, `stty -F ${tty} failed`);
  return new TextDecoder().decode(out.stdout);
}

/** Live processes running `sleep SECONDS`. */
async function sleepers(seconds: string): Promise<number[]> {
  const found: number[] = [];
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    const cmd = await Deno.readTextFile(`/proc/${entry.name}/cmdline`).catch(() => "");
    if (cmd === `sleep\0${seconds}\0` && await alive(Number(entry.name))) {
      found.push(Number(entry.name));
    }
  }
  return found;
}

/** The pid of the `deno run ... main.ts` process whose working directory is `root`. */
async function findLoomPid(root: string): Promise<number> {
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const cwd = await Deno.readLink(join("/proc", entry.name, "cwd"));
      const cmd = await Deno.readTextFile(join("/proc", entry.name, "cmdline"));
      if (cwd === root && cmd.includes(MAIN) && /(^|\/)deno$/.test(cmd.split("\0")[0])) {
        return Number(entry.name);
      }
    } catch {
      // a process that ended or is not ours
    }
  }
  throw new Error(`no loom process in ${root}`);
}

Deno.test("/help, /history, /expand, /graph, /sessions, /architect and /clear work between turns", async () => {
  await using llm = await startFakeLlm({
    fallback: scriptedAgent([
      reply.toolCall("file_read", { path: "notes.txt" }),
      reply.text("Read it."),
      (request) => reply.text(sentText(request).includes("notes") ? "Old context." : "Fresh."),
    ], { title: "Reading notes" }),
  });
  await using project = await createTempProject({ "notes.txt": "line 1\nsecret line 2\n" });
  await using pty = await loom(project, llm);
  await pty.waitFor(/›/);
  await ask(pty, "read notes.txt", 1);
  assert.doesNotMatch(await pty.screen(), /secret line 2/, "the tool line is one line");
  for (
    const [command, shows] of [
      ["/help", /\/expand \[n\] +Show the whole output/],
      ["/history", /1\. read notes\.txt/],
      ["/expand", /\[1\] file_read \{"path":"notes\.txt"\}\n[\s\S]*secret line 2/],
      ["/graph", /Decision graph: 0 nodes, 0 edges/],
      ["/sessions", /[0-9a-f]{8} .* Reading notes/],
      ["/architect", /Architect mode on/],
      ["/architect", /Architect mode off/],
      ["/clear", /New conversation/],
    ] as const
  ) {
    await pty.type(command);
    await pty.keys("Enter");
    await pty.waitFor(shows);
  }
  await ask(pty, "anything?", 2);
  await pty.waitFor(/Fresh\./);
  // The session /clear left is free for another Loom; the new one is this REPL's.
  const listed = await runLoom(["sessions", "--json"], {
    cwd: project.root,
    home: pty.home,
    env: llm.env(),
  });
  const [fresh, old] = JSON.parse(listed.stdout) as { id: string }[];
  const db = join(project.root, ".loom", "loom.db");
  await (await holdSession(db, old.id))[Symbol.asyncDispose]();
  await assert.rejects(holdSession(db, fresh.id), /did not take session/);
  await pty.type("/quit");
  await pty.keys("Enter");
  assert.equal(await pty.waitForExit(), 0);
});
