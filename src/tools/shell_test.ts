import assert from "node:assert/strict";
import { isLoomError } from "../core/mod.ts";
import type { ProgressUpdate } from "../core/mod.ts";
import { createProcessRunner } from "../sandbox/mod.ts";
import { shell } from "./shell.ts";
import { createTempProject } from "../../tests/_lib/project.ts";
import { createTestContext } from "../../tests/_lib/context.ts";
import {
  bwrapOrNull,
  HAS_BWRAP,
  killAll,
  markedSleep,
  survivorsOf,
  uniqueToken,
} from "../../tests/_lib/processes.ts";

Deno.test("shell returns the exit code and both streams, labelled", async () => {
  await using project = await createTempProject();
  const ctx = await createTestContext(project.root);
  const result = await shell.run({ command: "echo hello; echo oops >&2" }, ctx);
  assert.equal(
    result.text,
    "exit code: 0\n[ran without the OS sandbox: full access as your user]\nstdout:\nhello\nstderr:\noops",
  );
  assert.equal(result.isError, undefined);
  assert.deepEqual(
    { ...result.structured, durationMs: 0 },
    { exitCode: 0, timedOut: false, sandboxed: false, durationMs: 0 },
  );
});

Deno.test("shell treats a non-zero exit as a normal result the model can read", async () => {
  await using project = await createTempProject();
  const ctx = await createTestContext(project.root);
  const result = await shell.run({ command: "ls no-such-file" }, ctx);
  assert.match(result.text, /^exit code: 2$/m);
  assert.match(result.text, /stderr:\n.*no-such-file/);
  assert.equal(result.structured?.exitCode, 2);
});

Deno.test("shell runs non-interactive bash with a cat pager and no git prompts", async () => {
  await using project = await createTempProject();
  const ctx = await createTestContext(project.root);
  const result = await shell.run({
    command: 'echo "$PAGER $GIT_TERMINAL_PROMPT"; shopt -q login_shell || echo plain',
  }, ctx);
  assert.match(result.text, /stdout:\ncat 0\nplain/);
});

Deno.test("a command that would open an editor (git commit without -m) ends at once instead of waiting for one", async () => {
  await using project = await createTempProject({ "a.txt": "alpha\n" }, { git: true });
  const ctx = await createTestContext(project.root);
  // With vi as the editor, this waited for a terminal until the timeout.
  const result = await shell.run({
    command: "echo beta >> a.txt && git add a.txt && EDITOR=vi git commit",
    timeout: 30,
  }, ctx);
  assert.match(result.text, /Aborting commit due to empty commit message/);
  assert.equal(result.structured?.timedOut, false);
});

Deno.test("shell runs in a project-relative cwd", async () => {
  await using project = await createTempProject({ "src/lib/a.ts": "" });
  const ctx = await createTestContext(project.root);
  const result = await shell.run({ command: "pwd; ls", cwd: "src/lib" }, ctx);
  assert.match(result.text, new RegExp(`stdout:\n${project.path("src/lib")}\na.ts`));
});

Deno.test("shell refuses a cwd outside the project, missing, or not a directory", async () => {
  await using project = await createTempProject({ "file.txt": "x" });
  const ctx = await createTestContext(project.root);
  const command = "touch ran";
  await assert.rejects(
    Promise.resolve(shell.permission({ command, cwd: "../.." }, ctx)),
    (err) => isLoomError(err, "OUTSIDE_PROJECT"),
  );
  await assert.rejects(
    shell.run({ command, cwd: "/etc" }, ctx),
    (err) => isLoomError(err, "OUTSIDE_PROJECT"),
  );
  await assert.rejects(
    shell.run({ command, cwd: "nope" }, ctx),
    (err) =>
      isLoomError(err, "NOT_FOUND") && err.message === 'Cannot run in "nope": no such directory',
  );
  await assert.rejects(
    shell.run({ command, cwd: "file.txt" }, ctx),
    (err) => isLoomError(err, "INVALID_INPUT") && /it is a file, not a directory/.test(err.message),
  );
  await assert.rejects(Deno.stat(project.path("ran")), Deno.errors.NotFound);
  await assert.rejects(Deno.stat("/etc/ran"), Deno.errors.NotFound);
});

Deno.test("shell asks permission for the command line as written", async () => {
  await using project = await createTempProject();
  const ctx = await createTestContext(project.root);
  const request = await shell.permission({ command: "npm test && rm -rf dist" }, ctx);
  assert.deepEqual(request, { kind: "shell", tool: "shell", command: "npm test && rm -rf dist" });
});

Deno.test("shell input caps the timeout at 600 seconds and needs a command", () => {
  assert.equal(shell.input.safeParse({ command: "ls", timeout: 601 }).success, false);
  assert.equal(shell.input.safeParse({ command: "" }).success, false);
  assert.equal(shell.input.safeParse({ command: "ls", timeout: 600 }).success, true);
});

Deno.test("a timed-out command fails with TIMEOUT, keeps its partial output and leaves no process", async () => {
  await using project = await createTempProject();
  const ctx = await createTestContext(project.root, { config: { shell: { timeout_seconds: 1 } } });
  const token = uniqueToken();
  const error = await shell.run({ command: `echo partial; ${markedSleep(token)} & wait` }, ctx)
    .then(() => undefined, (err) => err);
  const survivors = await survivorsOf(token);
  killAll(survivors);
  assert.ok(isLoomError(error, "TIMEOUT"));
  assert.match(
    error.message,
    /^Cannot finish "echo partial; sleep .*": it ran past its 1s timeout/,
  );
  assert.match(error.message, /\[timed out after 1s; the process group was killed\]/);
  assert.match(error.message, /stdout:\npartial/);
  assert.deepEqual(survivors, []);
});

Deno.test("cancelling the call fails with CANCELLED and kills the command", async () => {
  await using project = await createTempProject();
  const controller = new AbortController();
  const ctx = await createTestContext(project.root, {
    signal: controller.signal,
    onProgress: (update) => {
      if (update.message === "ready") controller.abort();
    },
  });
  const token = uniqueToken();
  const error = await shell.run({ command: `${markedSleep(token)} & echo ready; wait` }, ctx)
    .then(() => undefined, (err) => err);
  const survivors = await survivorsOf(token);
  killAll(survivors);
  assert.ok(isLoomError(error, "CANCELLED"));
  assert.match(error.message, /\[cancelled; the process group was killed\]/);
  assert.deepEqual(survivors, []);
});

Deno.test("long output is cut to its head and tail with the dropped byte count", async () => {
  await using project = await createTempProject();
  const ctx = await createTestContext(project.root);
  const result = await shell.run({ command: "seq 1 30000" }, ctx);
  const total = Array.from({ length: 30000 }, (_, i) => `${i + 1}\n`).join("").length;
  assert.match(result.text, new RegExp(`\\[output truncated: ${total - 30_000} bytes dropped`));
  assert.match(result.text, /stdout:\n1\n2\n3\n/);
  assert.match(result.text, /29999\n30000$/m);
  assert.ok(result.text.length < 31_000);
});

Deno.test("shell reports progress with the byte count and the latest line", async () => {
  await using project = await createTempProject();
  const updates: ProgressUpdate[] = [];
  const ctx = await createTestContext(project.root, { onProgress: (u) => updates.push(u) });
  await shell.run({ command: "echo building" }, ctx);
  assert.deepEqual(updates, [{ progress: 9, message: "building" }]);
});

const sandboxTest = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name, ignore: !HAS_BWRAP, fn });

sandboxTest("shell under bubblewrap says nothing about running unsandboxed", async () => {
  await using project = await createTempProject();
  const wrapper = await bwrapOrNull(project.root);
  const runner = createProcessRunner({ wrapper: wrapper!, env: Deno.env.toObject() });
  const ctx = await createTestContext(project.root, { runner });
  const result = await shell.run({ command: "echo hi > out.txt; cat out.txt" }, ctx);
  assert.equal(result.text, "exit code: 0\nstdout:\nhi");
  assert.equal(result.structured?.sandboxed, true);
  assert.equal(await project.read("out.txt"), "hi\n");
});

sandboxTest(
  "shell under bubblewrap cannot touch .git and reports a removed .loom.toml",
  async () => {
    await using project = await createTempProject({ "a.txt": "a" }, { git: true });
    const before = await project.read(".git/config");
    const wrapper = await bwrapOrNull(project.root);
    const runner = createProcessRunner({ wrapper: wrapper!, env: Deno.env.toObject() });
    const ctx = await createTestContext(project.root, { runner });
    const result = await shell.run({
      command: "echo evil >> .git/config; echo '[permissions]' > .loom.toml",
    }, ctx);
    assert.equal(await project.read(".git/config"), before);
    await assert.rejects(Deno.stat(project.path(".loom.toml")), Deno.errors.NotFound);
    assert.match(result.text, /Read-only file system/);
    assert.match(result.text, /\[removed "\.loom\.toml": sandboxed commands may not create/);
  },
);
