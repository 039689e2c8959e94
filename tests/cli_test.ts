import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { runLoom } from "./_lib/cli.ts";
import { createTempProject } from "./_lib/project.ts";
import { startPty } from "./_lib/pty.ts";
import { denoDir, tempHome } from "./_lib/home.ts";

const MAIN = new URL("../src/main.ts", import.meta.url).pathname;

Deno.test("loom --version and --help print and exit 0; an unknown command exits 2", async () => {
  await using project = await createTempProject();
  const home = await tempHome();
  const version = await runLoom(["--version"], { cwd: project.root, home });
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^loom \d+\.\d+\.\d+/);
  const help = await runLoom(["--help"], { cwd: project.root, home });
  assert.equal(help.code, 0);
  for (const cmd of ["tools", "tool NAME", "doctor", "trust"]) {
    assert.ok(help.stdout.includes(`loom ${cmd}`));
  }
  const bad = await runLoom(["frobnicate"], { cwd: project.root, home });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /no such command/);
  const badFlag = await runLoom(["tools", "--frob"], { cwd: project.root, home });
  assert.equal(badFlag.code, 2);
});

Deno.test("loom tools --json lists the eight workspace tools with schemas and annotations", async () => {
  await using project = await createTempProject();
  const run = await runLoom(["tools", "--json"], { cwd: project.root, home: await tempHome() });
  assert.equal(run.code, 0, run.stderr);
  const tools = JSON.parse(run.stdout) as {
    name: string;
    inputSchema: { type: string; properties: Record<string, unknown> };
    annotations: { readOnlyHint: boolean };
  }[];
  const names = tools.map((t) => t.name);
  for (
    const name of [
      "content_search",
      "directory_list",
      "file_edit",
      "file_read",
      "file_search",
      "file_write",
      "git",
      "shell",
    ]
  ) assert.ok(names.includes(name), name);
  for (const tool of tools) assert.equal(tool.inputSchema.type, "object", tool.name);
  const read = tools.find((t) => t.name === "file_read")!;
  assert.ok("path" in read.inputSchema.properties);
  assert.equal(read.annotations.readOnlyHint, true);
});

Deno.test("loom tool runs a tool: 0 on success, 1 on a tool error, 2 on bad usage", async () => {
  await using project = await createTempProject({ "src/app.ts": "export const x = 1;\n" });
  const home = await tempHome();
  const ok = await runLoom(["tool", "file_read", '{"path":"src/app.ts"}'], {
    cwd: project.root,
    home,
  });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /export const x = 1;/);

  const missing = await runLoom(["tool", "file_read", '{"path":"src/ap.ts"}'], {
    cwd: project.root,
    home,
  });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /Cannot read "src\/ap\.ts"/);

  const badJson = await runLoom(["tool", "file_read", "{path:"], { cwd: project.root, home });
  assert.equal(badJson.code, 2);
  assert.match(badJson.stderr, /not valid JSON/);

  const unknown = await runLoom(["tool", "nope", "{}"], { cwd: project.root, home });
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no such tool/);

  const invalid = await runLoom(["tool", "file_read", '{"path":7}'], { cwd: project.root, home });
  assert.equal(invalid.code, 2);
  assert.match(invalid.stderr, /path/);
});

Deno.test("loom tool --project reads arguments from stdin with '-'", async () => {
  await using project = await createTempProject({ "notes.txt": "hello from stdin\n" });
  const elsewhere = await tempHome();
  const run = await runLoom(["tool", "file_read", "-", "--project", project.root], {
    cwd: elsewhere,
    home: elsewhere,
    stdin: '{"path":"notes.txt"}',
  });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /hello from stdin/);
});

Deno.test("a write that would ask is denied without a terminal, names the rule to add, and writes nothing", async () => {
  await using project = await createTempProject();
  const run = await runLoom(
    ["tool", "file_write", '{"path":"new.txt","content":"x"}'],
    { cwd: project.root, home: await tempHome() },
  );
  assert.equal(run.code, 1);
  assert.match(run.stderr, /denied/);
  assert.match(run.stderr, /file_write/);
  assert.equal(existsSync(project.path("new.txt")), false);
});

Deno.test("--yes approves calls that would ask, but a deny rule still wins", async () => {
  await using project = await createTempProject({
    ".loom.toml": '[permissions]\ndeny = ["file_write(secret.txt)"]\n',
  });
  const home = await tempHome();
  const allowed = await runLoom(
    ["tool", "file_write", '{"path":"new.txt","content":"x"}', "--yes"],
    { cwd: project.root, home },
  );
  assert.equal(allowed.code, 0, allowed.stderr);
  assert.equal(await project.read("new.txt"), "x");
  const denied = await runLoom(
    ["tool", "file_write", '{"path":"secret.txt","content":"x"}', "--yes"],
    { cwd: project.root, home },
  );
  assert.equal(denied.code, 1);
  assert.match(denied.stderr, /secret\.txt/);
  assert.equal(existsSync(project.path("secret.txt")), false);
});

Deno.test("LOOM.md shell rules wait for loom trust, and a changed file needs trust again", async () => {
  await using project = await createTempProject({
    "LOOM.md": "# Rules\n\n## Allowed Operations\nShell: touch marker\n",
  });
  const home = await tempHome();
  const call = ["tool", "shell", '{"command":"touch marker"}'];
  const before = await runLoom(call, { cwd: project.root, home });
  assert.equal(before.code, 1);
  assert.match(
    before.stderr,
    /1 rule\(s\) in LOOM\.md \/ \.loom\.toml are not in force until you run 'loom trust'/,
  );
  assert.equal(existsSync(project.path("marker")), false);

  const status = await runLoom(["trust", "--status"], { cwd: project.root, home });
  assert.match(status.stdout, /Shell: touch marker/);
  const trust = await runLoom(["trust"], { cwd: project.root, home });
  assert.equal(trust.code, 0, trust.stderr);

  const after = await runLoom(call, { cwd: project.root, home });
  assert.equal(after.code, 0, after.stderr);
  assert.equal(existsSync(project.path("marker")), true);

  await Deno.remove(project.path("marker"));
  await project.write("LOOM.md", "# Rules\n\n## Allowed Operations\nShell: touch marker, ls\n");
  const changed = await runLoom(call, { cwd: project.root, home });
  assert.equal(changed.code, 1);
  assert.equal(existsSync(project.path("marker")), false);
});

Deno.test("loom doctor --json reports tools, sandbox mode, config files and trust", async () => {
  await using project = await createTempProject({
    ".loom.toml": '[sandbox]\nmode = "auto"\n',
  });
  const run = await runLoom(["doctor", "--json"], { cwd: project.root, home: await tempHome() });
  const report = JSON.parse(run.stdout);
  assert.equal(report.root, project.root);
  assert.ok(["bwrap", "off"].includes(report.sandbox.mode));
  assert.ok(report.checks.some((c: { name: string }) => c.name === "git"));
  assert.ok(
    report.configFiles.some((f: { path: string }) => f.path.endsWith(".loom.toml")),
  );
  assert.equal(
    run.code,
    report.checks.some((c: { ok: boolean; severity?: string }) => !c.ok && c.severity === "error")
      ? 1
      : 0,
  );
});

Deno.test("a bad .loom.toml makes doctor exit 1 naming file, line and key, and still check the rest", async () => {
  await using project = await createTempProject({
    ".loom.toml": '[sandbox]\nmode = "sometimes"\n',
  });
  const home = await tempHome();
  const run = await runLoom(["doctor"], { cwd: project.root, home });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /\.loom\.toml": sandbox\.mode at line 2, column 1/);
  assert.match(run.stderr, /sandbox\.mode/);
  // The rest is still checked (on the defaults), and the file is listed as not loaded.
  assert.match(run.stdout, /^deno +\d/m);
  assert.match(run.stdout, /^config +.*\.loom\.toml \(not loaded: see Problems\)/m);
  assert.match(run.stdout, /\[error\] config: Cannot load ".*\.loom\.toml": sandbox\.mode/);
  const json = await runLoom(["doctor", "--json"], { cwd: project.root, home });
  assert.equal(json.code, 1);
  const report = JSON.parse(json.stdout);
  const config = report.checks.find((c: { name: string }) => c.name === "config");
  assert.deepEqual([config.ok, config.severity], [false, "error"]);
  assert.ok(report.checks.some((c: { name: string }) => c.name === "git"), json.stdout);
});

Deno.test("loom tool file_edit edits a file in one call (the person is the reader) and prints the diff", async () => {
  await using project = await createTempProject({ "app.ts": "const a = 1;\nconst b = 2;\n" });
  const run = await runLoom(
    [
      "tool",
      "file_edit",
      '{"path":"app.ts","edits":[{"old_string":"b = 2","new_string":"b = 3"}]}',
      "--yes",
    ],
    { cwd: project.root, home: await tempHome() },
  );
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /-const b = 2;\n\+const b = 3;/);
  assert.equal(await project.read("app.ts"), "const a = 1;\nconst b = 3;\n");
});

Deno.test("loom doctor says which provider keys are set, never their values, and warns for the default model's", async () => {
  await using project = await createTempProject();
  const home = await tempHome();
  const secret = "sk-test-do-not-print-1234";
  const run = await runLoom(["doctor", "--json"], {
    cwd: project.root,
    home,
    env: { ANTHROPIC_API_KEY: "", OPENAI_API_KEY: secret },
  });
  assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret));
  const report = JSON.parse(run.stdout);
  const keys = new Map(
    report.keys.map((k: { variable: string; set: boolean }) => [k.variable, k.set]),
  );
  assert.equal(keys.get("OPENAI_API_KEY"), true);
  assert.equal(keys.get("ANTHROPIC_API_KEY"), false);
  const warning = report.checks.find((c: { name: string }) => c.name === "keys");
  assert.match(warning.detail, /ANTHROPIC_API_KEY is not set/);
  const text = await runLoom(["doctor"], {
    cwd: project.root,
    home,
    env: { ANTHROPIC_API_KEY: "", OPENAI_API_KEY: secret },
  });
  assert.match(text.stdout, /keys +OPENAI_API_KEY set/);
  assert.ok(!text.stdout.includes(secret));
  // Behind a gateway the token is the credential: set, and nothing to warn about.
  const gateway = await runLoom(["doctor", "--json"], {
    cwd: project.root,
    home,
    env: { ANTHROPIC_API_KEY: "", ANTHROPIC_AUTH_TOKEN: secret },
  });
  assert.ok(!gateway.stdout.includes(secret));
  const viaGateway = JSON.parse(gateway.stdout);
  assert.ok(
    viaGateway.keys.some((k: { variable: string; set: boolean }) =>
      k.variable === "ANTHROPIC_AUTH_TOKEN" && k.set
    ),
  );
  const check = viaGateway.checks.find((c: { name: string }) => c.name === "keys");
  assert.doesNotMatch(check?.detail ?? "", /ANTHROPIC_API_KEY is not set/);
});

Deno.test("loom tool file_edit accepts the single-edit shape other agents use", async () => {
  await using project = await createTempProject({ "app.ts": "let a = 1;\n" });
  const run = await runLoom(
    [
      "tool",
      "file_edit",
      '{"file_path":"app.ts","old_string":"a = 1","new_string":"a = 2"}',
      "--yes",
    ],
    { cwd: project.root, home: await tempHome() },
  );
  assert.equal(run.code, 0, run.stderr);
  assert.equal(await project.read("app.ts"), "let a = 2;\n");
});

Deno.test("an unknown tool name suggests the nearest one", async () => {
  await using project = await createTempProject();
  const run = await runLoom(["tool", "file_reed", "{}"], {
    cwd: project.root,
    home: await tempHome(),
  });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /no such tool; did you mean "file_read"\?/);
});

Deno.test("loom tool on a terminal: a person's no is final, without the rule explanation meant for prompts nobody could answer", async () => {
  await using project = await createTempProject({});
  const home = await tempHome();
  try {
    await using pty = await startPty(
      [
        Deno.execPath(),
        "run",
        "--allow-all",
        "--quiet",
        MAIN,
        "tool",
        "shell",
        '{"command":"touch made.txt"}',
      ],
      {
        cwd: project.root,
        env: {
          NO_COLOR: "1",
          HOME: home,
          DENO_DIR: denoDir(),
          LOOM_HOME: home,
          LOOM_SANDBOX_MODE: "off",
        },
      },
    );
    await pty.waitFor(/\[N\] no:/);
    await pty.type("n");
    await pty.keys("Enter");
    assert.equal(await pty.waitForExit(), 1);
    const screen = await pty.transcript();
    assert.match(screen, /Cannot run "shell": denied: the user said no/);
    assert.doesNotMatch(screen, /decided by/);
    await assert.rejects(Deno.stat(project.path("made.txt")), Deno.errors.NotFound);
  } finally {
    await Deno.remove(home, { recursive: true }).catch(() => {});
  }
});

Deno.test("a misspelt config key is a warning from loom tool and a problem in loom doctor", async () => {
  await using project = await createTempProject({ ".loom.toml": "[shell]\ntimout_seconds = 5\n" });
  const home = await tempHome();
  try {
    const tool = await runLoom(["tool", "directory_list", "{}"], { cwd: project.root, home });
    assert.equal(tool.code, 0, tool.stderr);
    assert.match(
      tool.stderr,
      /warning: .*\.loom\.toml:2:1: ignoring unknown key "shell\.timout_seconds"/,
    );
    const doctor = await runLoom(["doctor", "--json"], { cwd: project.root, home });
    const report = JSON.parse(doctor.stdout);
    const config = report.checks.find((c: { name: string }) => c.name === "config");
    assert.equal(config?.ok, false, doctor.stdout);
    assert.match(config.detail, /timout_seconds/);
  } finally {
    await Deno.remove(home, { recursive: true }).catch(() => {});
  }
});
