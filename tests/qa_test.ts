// Bugs found by using Loom as a demanding user would, each pinned by the command that showed it.
import assert from "node:assert/strict";
import { runLoom } from "./_lib/cli.ts";
import { reply, startFakeLlm } from "./_lib/fake_llm.ts";
import { scriptedAgent } from "./_lib/agent_script.ts";
import { createTempProject } from "./_lib/project.ts";
import { startPty } from "./_lib/pty.ts";
import { denoDir, tempHome } from "./_lib/home.ts";

const MAIN = new URL("../src/main.ts", import.meta.url).pathname;

Deno.test("loom -p reports a misspelt config key instead of ignoring it in silence", async () => {
  await using llm = await startFakeLlm({ fallback: scriptedAgent([reply.text("Hi.")]) });
  await using project = await createTempProject({
    ".loom.toml": "[shell]\ntimeout_secs = 3\n",
  });
  const run = await runLoom(["-p", "hello"], {
    cwd: project.root,
    home: await tempHome(),
    env: llm.env(),
  });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, "Hi.\n");
  assert.match(run.stderr, /\.loom\.toml:2:1: ignoring unknown key "shell\.timeout_secs"/);
});

Deno.test("loom -p stops quietly when the reader of its output goes away", async () => {
  await using llm = await startFakeLlm({
    fallback: scriptedAgent([reply.text("A long answer, streamed in pieces.", { chunks: 8 })]),
  });
  await using project = await createTempProject({});
  const home = await tempHome();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--quiet", MAIN, "-p", "hi", "--output-format", "stream-json"],
    cwd: project.root,
    env: { ...llm.env(), NO_COLOR: "1", LOOM_HOME: home, HOME: home, DENO_DIR: denoDir() },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // Like `| head -0`: the reader closes before Loom writes anything.
  await child.stdout.cancel();
  const [status, stderr] = await Promise.all([child.status, new Response(child.stderr).text()]);
  assert.doesNotMatch(stderr, /internal error|BrokenPipe/);
  assert.equal(status.code, 0, stderr);
});

Deno.test("loom graph import names a missing file plainly and imports nothing", async () => {
  await using project = await createTempProject({});
  const run = await runLoom(["graph", "import", "missing.json"], {
    cwd: project.root,
    home: await tempHome(),
  });
  assert.equal(run.code, 1);
  assert.equal(run.stderr, `Cannot import "missing.json": no such file\n`);
  const list = await runLoom(["graph", "list", "--json"], {
    cwd: project.root,
    home: await tempHome(),
  });
  assert.deepEqual(JSON.parse(list.stdout), []);
});

Deno.test("loom graph list --limit 0 is bad usage, not a list of one", async () => {
  await using project = await createTempProject({});
  const home = await tempHome();
  for (const title of ["one", "two"]) {
    assert.equal(
      (await runLoom(["graph", "add", "goal", title], { cwd: project.root, home })).code,
      0,
    );
  }
  const run = await runLoom(["graph", "list", "--limit", "0"], { cwd: project.root, home });
  assert.equal(run.code, 2);
  assert.equal(run.stdout, "");
  assert.match(run.stderr, /^Cannot use --limit 0: give a whole number from 1/);
});

Deno.test("/permissions mentions trust only when rules are waiting for it", async () => {
  await using llm = await startFakeLlm({ fallback: scriptedAgent([]) });
  for (
    const [files, waiting] of [[{}, false], [{
      ".loom.toml": '[permissions]\nallow = ["shell(echo *)"]\n',
    }, true]] as const
  ) {
    await using project = await createTempProject(files);
    const home = await tempHome();
    await using pty = await startPty(["deno", "run", "--allow-all", "--quiet", MAIN], {
      cols: 100,
      rows: 30,
      cwd: project.root,
      env: {
        ...llm.env(),
        HOME: home,
        DENO_DIR: denoDir(),
        LOOM_HOME: home,
        LOOM_SANDBOX_MODE: "off",
        NO_COLOR: "1",
      },
    });
    await pty.waitFor(/›/);
    await pty.type("/permissions");
    await pty.keys("Enter");
    const screen = await pty.waitFor(/Granted for this session:\n {2}\(none\)/);
    if (waiting) {
      assert.match(screen, /1 rule\(s\) wait for trust: see 'loom trust --status'/);
    } else {
      assert.doesNotMatch(screen, /trust/);
    }
  }
});

Deno.test("a command whose reader goes away mid-output exits quietly, not with an internal error", async () => {
  // Far more than a pipe buffer (64 KB), so the write really meets the closed pipe.
  await using project = await createTempProject({
    "big.txt": "x".repeat(100).concat("\n").repeat(1900),
  });
  const home = await tempHome();
  const main = new URL("../src/main.ts", import.meta.url).pathname;
  const call = `tool file_read '{"path":"big.txt"}'`;
  const script =
    `deno run -A --quiet ${main} ${call} | head -c 10 >/dev/null; echo "status=\${PIPESTATUS[0]}" >&2`;
  const out = await new Deno.Command("bash", {
    args: ["-c", script],
    cwd: project.root,
    env: { NO_COLOR: "1", LOOM_HOME: home, HOME: home, DENO_DIR: denoDir() },
    stdin: "null",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.doesNotMatch(stderr, /internal error/);
  assert.match(stderr, /status=0/);
});
