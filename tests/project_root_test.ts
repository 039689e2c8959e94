// A missing --project is a one-line error from every command, with nothing created on disk; a
// read-only project still reads, and what must write `.loom/` says why it cannot.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runLoom } from "./_lib/cli.ts";
import type { CliRun } from "./_lib/cli.ts";
import { createTempProject } from "./_lib/project.ts";
import { denoDir, tempHome } from "./_lib/home.ts";

const MAIN = join(dirname(fileURLToPath(import.meta.url)), "..", "src", "main.ts");

/** No stack trace and no "internal error": only Loom's own sentence reached the person. */
function assertClean(run: CliRun): void {
  assert.doesNotMatch(run.stderr + run.stdout, /internal error|^\s+at /m, run.stderr);
}

// A key and an unreachable endpoint, so `loom -p` can only fail on the project, never the network.
const AGENT_ENV = { ANTHROPIC_API_KEY: "test-key", ANTHROPIC_BASE_URL: "http://127.0.0.1:9" };

const COMMANDS: string[][] = [
  ["doctor"],
  ["tools"],
  ["tool", "file_read", '{"path":"a.txt"}'],
  ["tool", "file_write", '{"path":"a.txt","content":"x"}', "--yes"],
  ["sessions"],
  ["trust"],
  ["-p", "hello"],
  ["mcp"],
  ["graph", "list"],
  ["graph", "add", "goal", "x"],
];

for (const command of COMMANDS) {
  Deno.test(
    `loom ${command[0]} ${
      command[0] === "graph" || command[0] === "tool" ? command[1] + " " : ""
    }with a missing --project says so in one line and creates nothing`,
    async () => {
      await using outer = await createTempProject();
      const missing = join(outer.root, "typo", "deep", "dir");
      const run = await runLoom([...command, "--project", missing], {
        cwd: outer.root,
        home: await tempHome(),
        env: AGENT_ENV,
      });
      assert.equal(run.code, 1, run.stderr);
      const verb = command[0] === "mcp" ? "serve" : "open the project";
      assert.ok(
        run.stderr.split("\n").some((line) =>
          line.trim() === `Cannot ${verb} "${missing}": no such directory; check --project`
        ),
        run.stderr,
      );
      assertClean(run);
      assert.ok(
        !existsSync(join(outer.root, "typo")),
        "nothing may be created for a missing project",
      );
      assert.deepEqual([...Deno.readDirSync(outer.root)], []);
    },
  );
}

Deno.test("loom graph add and loom tool refuse a --project that is a file, and leave it alone", async () => {
  await using outer = await createTempProject({ "notes.txt": "keep\n" });
  const file = outer.path("notes.txt");
  for (const command of [["graph", "add", "goal", "x"], ["tool", "directory_list", "{}"]]) {
    const run = await runLoom([...command, "--project", file], {
      cwd: outer.root,
      home: await tempHome(),
    });
    assert.equal(run.code, 1, run.stderr);
    assert.equal(
      run.stderr,
      `Cannot open the project "${file}": not a directory; check --project\n`,
    );
  }
  assert.equal(await outer.read("notes.txt"), "keep\n");
  assert.deepEqual([...Deno.readDirSync(outer.root)].map((e) => e.name), ["notes.txt"]);
});

/** Runs `loom ARGS` with `project` mounted read-only (bubblewrap), the rest of the system as is. */
async function runReadOnly(project: string, args: string[], home: string): Promise<CliRun> {
  const out = await new Deno.Command("bwrap", {
    args: [
      ...["--bind", "/", "/", "--ro-bind", project, project, "--dev", "/dev", "--proc", "/proc"],
      ...[Deno.execPath(), "run", "--allow-all", "--quiet", MAIN, ...args, "--project", project],
    ],
    cwd: project,
    // bwrap mode: without it a missing sandbox would skip the `.loom/` step this file tests.
    env: {
      NO_COLOR: "1",
      LOOM_HOME: home,
      HOME: home,
      DENO_DIR: denoDir(),
      LOOM_SANDBOX_MODE: "bwrap",
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

/** True when bubblewrap can mount a project read-only here (it needs user namespaces or root). */
async function canMountReadOnly(): Promise<boolean> {
  try {
    const dir = await Deno.makeTempDir();
    const probe = await new Deno.Command("bwrap", {
      args: ["--bind", "/", "/", "--ro-bind", dir, dir, "--dev", "/dev", "touch", `${dir}/x`],
      stdout: "null",
      stderr: "null",
    }).output();
    const readOnly = probe.code !== 0 && !existsSync(`${dir}/x`);
    await Deno.remove(dir, { recursive: true });
    return readOnly;
  } catch {
    return false;
  }
}

const readOnlyWorks = await canMountReadOnly();

Deno.test({
  name:
    "in a read-only project loom doctor lists .loom/ as a problem with a fix, and reading tools work",
  ignore: !readOnlyWorks,
  async fn() {
    await using project = await createTempProject({ "a.txt": "hello\n" });
    const home = await tempHome();
    const doctor = await runReadOnly(project.root, ["doctor"], home);
    assertClean(doctor);
    assert.equal(doctor.code, 0, doctor.stderr);
    assert.ok(
      doctor.stdout.includes(
        `[warning] data: Cannot create "${project.root}/.loom": read-only file system\n`,
      ),
      doctor.stdout,
    );
    assert.match(doctor.stdout, /→ make the project writable .*LOOM_DB_PATH/);

    const read = await runReadOnly(project.root, ["tool", "file_read", '{"path":"a.txt"}'], home);
    assertClean(read);
    assert.equal(read.code, 0, read.stderr);
    assert.match(read.stdout, /hello/);

    // The shell runs under bubblewrap, which wants `.loom/` to exist: not on a read-only disk.
    const shell = await runReadOnly(
      project.root,
      ["tool", "shell", '{"command":"cat a.txt"}', "--yes"],
      home,
    );
    assertClean(shell);
    assert.equal(shell.code, 0, shell.stderr);
    assert.match(shell.stdout, /hello/);
    assert.ok(!existsSync(project.path(".loom")));
  },
});

Deno.test({
  name: "in a read-only project what must write .loom/ fails naming the path and the cause",
  ignore: !readOnlyWorks,
  async fn() {
    await using project = await createTempProject({ "a.txt": "hello\n" });
    const home = await tempHome();
    for (
      const command of [
        ["graph", "add", "goal", "x"],
        ["sessions"],
        ["tool", "decision_log", '{"action":"create","type":"goal","title":"x"}', "--yes"],
      ]
    ) {
      const run = await runReadOnly(project.root, command, home);
      assertClean(run);
      assert.equal(run.code, 1, `${command.join(" ")}: ${run.stderr}`);
      assert.ok(run.stderr.includes(`Cannot create "${project.root}/.loom": `), run.stderr);
      assert.match(run.stderr, /read-only file system/i);
    }
    for (
      const command of [
        ["tool", "file_write", '{"path":"b.txt","content":"x"}', "--yes"],
        ["tool", "file_edit", '{"path":"a.txt","old_string":"hello","new_string":"bye"}', "--yes"],
      ]
    ) {
      const run = await runReadOnly(project.root, command, home);
      assertClean(run);
      assert.equal(run.code, 1, `${command.join(" ")}: ${run.stderr}`);
      assert.match(run.stderr, /: the file system is read-only; make the project writable first/);
    }
    assert.equal(await project.read("a.txt"), "hello\n");
    assert.deepEqual([...Deno.readDirSync(project.root)].map((e) => e.name), ["a.txt"]);
  },
});
