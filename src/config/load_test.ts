import assert from "node:assert/strict";
import { join } from "node:path";
import { LoomError } from "../core/mod.ts";
import { createTempProject } from "../../tests/_lib/project.ts";
import { loadConfig } from "./load.ts";
import type { DeepPartial, LoomConfig } from "./schema.ts";

async function setup(projectFiles: Record<string, string>, userToml?: string) {
  const project = await createTempProject(projectFiles);
  const home = await createTempProject(
    userToml === undefined ? {} : { ".loom/config.toml": userToml },
  );
  return {
    project,
    home,
    async [Symbol.asyncDispose]() {
      await project[Symbol.asyncDispose]();
      await home[Symbol.asyncDispose]();
    },
  };
}

const precedence: {
  layers: string;
  user?: string;
  project?: string;
  env?: Record<string, string>;
  flags?: DeepPartial<LoomConfig>;
  timeout: number;
}[] = [
  { layers: "defaults", timeout: 120 },
  { layers: "user", user: "[shell]\ntimeout_seconds = 10\n", timeout: 10 },
  {
    layers: "project over user",
    user: "[shell]\ntimeout_seconds = 10\n",
    project: "[shell]\ntimeout_seconds = 20\n",
    timeout: 20,
  },
  {
    layers: "env over project",
    user: "[shell]\ntimeout_seconds = 10\n",
    project: "[shell]\ntimeout_seconds = 20\n",
    env: { LOOM_SHELL_TIMEOUT_SECONDS: "30" },
    timeout: 30,
  },
  {
    layers: "flags over env",
    user: "[shell]\ntimeout_seconds = 10\n",
    project: "[shell]\ntimeout_seconds = 20\n",
    env: { LOOM_SHELL_TIMEOUT_SECONDS: "30" },
    flags: { shell: { timeout_seconds: 40 } },
    timeout: 40,
  },
];

for (const row of precedence) {
  Deno.test(`loadConfig precedence: ${row.layers} gives shell.timeout_seconds = ${row.timeout}`, async () => {
    await using t = await setup(row.project ? { ".loom.toml": row.project } : {}, row.user);
    const { config } = await loadConfig({
      root: t.project.root,
      home: t.home.root,
      env: row.env ?? {},
      flags: row.flags,
    });
    assert.equal(config.shell.timeout_seconds, row.timeout);
  });
}

Deno.test("loadConfig merges tables per key while arrays and server entries replace", async () => {
  await using t = await setup(
    {
      ".loom.toml":
        '[model]\ndefault = "p:m"\n[permissions]\ndeny = ["shell(rm *)"]\n[lsp.servers.ts]\ncommand = "tsc"\n',
    },
    '[model]\nweak = "u:w"\n[permissions]\ndeny = ["a", "b"]\n[lsp.servers.ts]\ncommand = "old"\nargs = ["--x"]\n',
  );
  const loaded = await loadConfig({ root: t.project.root, home: t.home.root, env: {} });
  assert.equal(loaded.config.model.default, "p:m");
  assert.equal(loaded.config.model.weak, "u:w");
  assert.deepEqual(loaded.config.permissions.deny, ["shell(rm *)"]);
  // lsp.servers needs trust; untrusted, the user's own definition stays in force.
  assert.deepEqual(loaded.config.lsp.servers, {
    ts: { command: "old", args: ["--x"], languages: [] },
  });
  assert.equal(loaded.config.sandbox.mode, "auto");
  assert.deepEqual(loaded.files.map((f) => [f.path, f.kind]), [
    [join(t.home.root, ".loom", "config.toml"), "user"],
    [t.project.path(".loom.toml"), "project"],
  ]);
});

Deno.test("loadConfig collects unknown-key warnings with file and line from every file", async () => {
  await using t = await setup({ ".loom.toml": "\n[shell]\ntimeuot = 3\n" }, "colour = 1\n");
  const { warnings } = await loadConfig({ root: t.project.root, home: t.home.root, env: {} });
  assert.deepEqual(warnings, [
    `${join(t.home.root, ".loom", "config.toml")}:1:1: ignoring unknown key "colour"`,
    `${t.project.path(".loom.toml")}:3:1: ignoring unknown key "shell.timeuot"`,
  ]);
});

Deno.test("loadConfig reports a bad user file by its own path", async () => {
  await using t = await setup({}, '[sandbox]\nmode = "nope"\n');
  await assert.rejects(
    loadConfig({ root: t.project.root, home: t.home.root, env: {} }),
    (err: unknown) =>
      err instanceof LoomError && err.code === "CONFIG" &&
      err.details?.file === join(t.home.root, ".loom", "config.toml") &&
      err.details?.line === 2 && err.details?.key === "sandbox.mode",
  );
});

Deno.test("loadConfig rejects a project root that does not exist", async () => {
  await using t = await setup({});
  await assert.rejects(
    loadConfig({ root: t.project.path("missing"), home: t.home.root, env: {} }),
    (err: unknown) => err instanceof LoomError && err.code === "CONFIG",
  );
});

Deno.test("loadConfig turns LOOM.md rule errors into warnings and keeps them in rules", async () => {
  await using t = await setup({ "LOOM.md": "## Allowed Operations\nNetwork: any\n" });
  const { rules, warnings, files } = await loadConfig({
    root: t.project.root,
    home: t.home.root,
    env: {},
  });
  assert.deepEqual(rules.errors.map((e) => e.line), [2]);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /^LOOM\.md:2: Cannot use rule "Network: any"/);
  assert.deepEqual(files, [{ path: t.project.path("LOOM.md"), kind: "rules" }]);
});

Deno.test("loadConfig refuses a named pipe where an instructions file would be, instead of waiting on it", async () => {
  for (const name of ["AGENTS.md", "LOOM.md", ".loom.toml"]) {
    await using t = await setup({});
    await new Deno.Command("mkfifo", { args: [t.project.path(name)] }).output();
    await assert.rejects(
      loadConfig({ root: t.project.root, home: t.home.root, env: {} }),
      (err: unknown) =>
        err instanceof LoomError && err.code === "CONFIG" &&
        err.message === `Cannot read "${t.project.path(name)}": it is a named pipe (FIFO), ` +
            "not a regular file; only regular files are read",
      name,
    );
  }
});
