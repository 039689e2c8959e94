import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createProjectAndHome } from "./_lib/project.ts";
import { denoDir } from "./_lib/home.ts";

// `[files] fsync` decides whether a write is flushed before it is reported done. What reaches the
// kernel is the only honest witness, so `loom tool` runs under strace and the calls are read back.

const MAIN = join(dirname(fileURLToPath(import.meta.url)), "..", "src", "main.ts");

interface Traced {
  code: number;
  stdout: string;
  /** strace lines naming the temp file or the project directory, in order. */
  calls: string[];
}

async function tracedTool(
  root: string,
  home: string,
  tool: string,
  args: unknown,
  env: Record<string, string> = {},
): Promise<Traced> {
  const log = join(home, `strace-${crypto.randomUUID()}.log`);
  const out = await new Deno.Command("strace", {
    args: [
      "-f",
      "-y", // fds printed with their paths
      "-o",
      log,
      "-e",
      "trace=fsync,fdatasync,rename,renameat,renameat2",
      Deno.execPath(),
      "run",
      "--allow-all",
      "--quiet",
      MAIN,
      "tool",
      tool,
      JSON.stringify(args),
      "--yes",
    ],
    cwd: root,
    env: { NO_COLOR: "1", LOOM_HOME: join(home, ".loom"), HOME: home, DENO_DIR: denoDir(), ...env },
    stdin: "null",
  }).output();
  const calls = (await Deno.readTextFile(log)).split("\n")
    .filter((line) => line.includes(root) && /\b(fsync|fdatasync|rename\w*)\(/.test(line));
  return { code: out.code, stdout: new TextDecoder().decode(out.stdout), calls };
}

const hasStrace = await new Deno.Command("strace", { args: ["-V"], stdout: "null", stderr: "null" })
  .output().then((out) => out.success, () => false);

Deno.test({
  name: "by default file_edit and file_write rename a temp file over the target without fsync",
  ignore: !hasStrace,
  async fn() {
    await using env = await createProjectAndHome({ "a.ts": "const mode = 'alpha';\n" });
    const { root } = env.project;

    const edit = await tracedTool(root, env.home.root, "file_edit", {
      path: "a.ts",
      edits: [{ old_string: "alpha", new_string: "beta" }],
    });
    assert.equal(edit.code, 0, edit.stdout);
    assert.equal(await env.project.read("a.ts"), "const mode = 'beta';\n");
    const renames = edit.calls.filter((c) => /rename/.test(c));
    assert.equal(renames.length, 1, edit.calls.join("\n"));
    assert.match(renames[0], /\.a\.ts\.loom-[0-9a-f-]+\.tmp/);
    assert.match(renames[0], new RegExp(`${root}/a\\.ts`));
    assert.deepEqual(edit.calls.filter((c) => /sync\(/.test(c)), []);

    const write = await tracedTool(root, env.home.root, "file_write", {
      path: "b.ts",
      content: "export {};\n",
    });
    assert.equal(write.code, 0, write.stdout);
    assert.equal(await env.project.read("b.ts"), "export {};\n");
    assert.deepEqual(write.calls.filter((c) => /sync\(/.test(c)), []);
  },
});

Deno.test({
  name:
    "with fsync = true the temp file's data is flushed before the rename and the directory after",
  ignore: !hasStrace,
  async fn() {
    await using env = await createProjectAndHome({
      "a.ts": "const mode = 'alpha';\n",
      ".loom.toml": "[files]\nfsync = true\n",
    });
    const { root } = env.project;

    for (
      const [tool, args] of [
        ["file_edit", { path: "a.ts", edits: [{ old_string: "alpha", new_string: "beta" }] }],
        ["file_write", { path: "a.ts", content: "const mode = 'gamma';\n" }],
      ] as const
    ) {
      const run = await tracedTool(root, env.home.root, tool, args);
      assert.equal(run.code, 0, run.stdout);
      const flush = run.calls.findIndex((c) =>
        /fdatasync\(\d+<[^>]*\.loom-[0-9a-f-]+\.tmp>/.test(c)
      );
      const rename = run.calls.findIndex((c) => /rename/.test(c));
      const dirSync = run.calls.findIndex((c) => new RegExp(`fsync\\(\\d+<${root}>`).test(c));
      assert.ok(flush >= 0 && rename > flush && dirSync > rename, run.calls.join("\n"));
    }
    assert.equal(await env.project.read("a.ts"), "const mode = 'gamma';\n");

    // The variable works as well as the file, also when no config file exists.
    await Deno.remove(join(root, ".loom.toml"));
    const viaEnv = await tracedTool(root, env.home.root, "file_write", {
      path: "a.ts",
      content: "const mode = 'delta';\n",
    }, { LOOM_FILES_FSYNC: "true" });
    assert.equal(viaEnv.code, 0, viaEnv.stdout);
    assert.ok(viaEnv.calls.some((c) => /fdatasync\(/.test(c)), viaEnv.calls.join("\n"));
  },
});
