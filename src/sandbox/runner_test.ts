import assert from "node:assert/strict";
import { isLoomError } from "../core/mod.ts";
import type { SandboxWrapper } from "./types.ts";
import { createProcessRunner } from "./runner.ts";
import { createTempProject } from "../../tests/_lib/project.ts";

const env = { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", HOME: "/root", GIT_DIR: "/x" };

/** A wrapper that marks wrapped runs through `env`, and records what it wrapped. */
class FakeWrapper implements SandboxWrapper {
  readonly mode = "bwrap" as const;
  readonly wrapped: { argv: string[]; cwd: string }[] = [];
  wrap(argv: string[], cwd: string): string[] {
    this.wrapped.push({ argv, cwd });
    return ["env", "LOOM_WRAPPED=1", ...argv];
  }
}

Deno.test("the runner returns exit code, stdout and stderr separately", async () => {
  await using project = await createTempProject();
  const runner = createProcessRunner({ env });
  const result = await runner.run(["bash", "-c", "echo out; echo err >&2; exit 3"], {
    cwd: project.root,
    timeoutMs: 10_000,
  });
  assert.equal(result.code, 3);
  assert.equal(result.signal, null);
  assert.equal(result.stdout, "out\n");
  assert.equal(result.stderr, "err\n");
  assert.equal(result.sandboxed, false);
  assert.equal(result.timedOut, false);
});

Deno.test("the runner runs in the given directory with stdin closed", async () => {
  await using project = await createTempProject({ "sub/file.txt": "x" });
  const runner = createProcessRunner({ env });
  const result = await runner.run(["bash", "-c", "pwd; ls; cat; echo eof"], {
    cwd: project.path("sub"),
    timeoutMs: 10_000,
  });
  assert.equal(result.stdout, `${project.path("sub")}\nfile.txt\neof\n`);
});

Deno.test("the runner adds env entries and drops inherited variables by prefix", async () => {
  await using project = await createTempProject();
  const runner = createProcessRunner({ env });
  const result = await runner.run(["bash", "-c", 'echo "${GIT_DIR-unset} $EXTRA"'], {
    cwd: project.root,
    timeoutMs: 10_000,
    env: { EXTRA: "added" },
    dropEnvPrefixes: ["GIT_"],
  });
  assert.equal(result.stdout, "unset added\n");
});

Deno.test("the runner wraps argv in the sandbox unless a run opts out", async () => {
  await using project = await createTempProject();
  const wrapper = new FakeWrapper();
  const runner = createProcessRunner({ env, wrapper });
  assert.equal(runner.sandboxMode, "bwrap");
  const script = ["bash", "-c", 'echo "${LOOM_WRAPPED-no}"'];
  const inside = await runner.run(script, { cwd: project.root, timeoutMs: 10_000 });
  const outside = await runner.run(script, {
    cwd: project.root,
    timeoutMs: 10_000,
    sandbox: false,
  });
  assert.deepEqual([inside.stdout, inside.sandboxed], ["1\n", true]);
  assert.deepEqual([outside.stdout, outside.sandboxed], ["no\n", false]);
  assert.deepEqual(wrapper.wrapped, [{ argv: script, cwd: project.root }]);
});

Deno.test("the runner reports output chunks as they arrive", async () => {
  await using project = await createTempProject();
  const runner = createProcessRunner({ env });
  const seen: string[] = [];
  await runner.run(["bash", "-c", "echo one; echo two >&2"], {
    cwd: project.root,
    timeoutMs: 10_000,
    onOutput: (stream, chunk) => seen.push(`${stream}:${new TextDecoder().decode(chunk)}`),
  });
  assert.deepEqual(seen.sort(), ["stderr:two\n", "stdout:one\n"]);
});

Deno.test("a missing program fails with NOT_FOUND naming it", async () => {
  await using project = await createTempProject();
  const runner = createProcessRunner({ env });
  await assert.rejects(
    runner.run(["loom-no-such-program"], { cwd: project.root, timeoutMs: 10_000 }),
    (err) =>
      isLoomError(err, "NOT_FOUND") && err.message.startsWith('Cannot run "loom-no-such-program"'),
  );
});

Deno.test("an already aborted signal fails with CANCELLED and starts nothing", async () => {
  await using project = await createTempProject();
  const runner = createProcessRunner({ env });
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(
    runner.run(["bash", "-c", "touch started"], {
      cwd: project.root,
      timeoutMs: 10_000,
      signal: controller.signal,
    }),
    (err) => isLoomError(err, "CANCELLED"),
  );
  await assert.rejects(Deno.stat(project.path("started")), Deno.errors.NotFound);
});
