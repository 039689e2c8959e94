import assert from "node:assert/strict";
import { configSchema } from "./schema.ts";
import { mayConfigure, plainDefaults } from "./_defaults.ts";
import { loadConfig } from "./load.ts";
import { envName } from "./env.ts";
import { asNode, scalarKeys } from "./_schema_walk.ts";
import { createTempProject } from "../../tests/_lib/project.ts";

Deno.test("the plain defaults are exactly what the config schema fills in", () => {
  assert.deepEqual(plainDefaults(), configSchema.parse({}));
});

Deno.test("each call gives fresh defaults that a caller may change", () => {
  const first = plainDefaults();
  first.permissions.allow.push("shell");
  assert.deepEqual(plainDefaults().permissions.allow, []);
});

Deno.test("a LOOM_ variable may configure when it names a config section, and only then", () => {
  const table: [Record<string, string>, boolean][] = [
    [{}, false],
    [{ HOME: "/root", PATH: "/bin" }, false],
    [{ LOOM_HOME: "/x", LOOM_SEARCH_ENGINE: "builtin", LOOM_DB_PATH: "/db" }, false],
    [{ LOOM_MODEL: "openai:gpt-5" }, true],
    [{ LOOM_SANDBOX_MODE: "off" }, true],
    [{ LOOM_SHELL_TIMEOUT_SECONDS: "5" }, true],
    [{ LOOM_PERMISSIONS_AUTO_APPROVE: "true" }, true],
  ];
  for (const [env, expected] of table) {
    assert.equal(mayConfigure(env), expected, JSON.stringify(env));
  }
});

Deno.test("every config key's LOOM_ variable is seen as configuring, so none is ignored", () => {
  const names = [...scalarKeys(asNode(configSchema))].map(([path]) => envName(path));
  assert.ok(names.includes("LOOM_FILES_FSYNC"), names.join(" "));
  for (const name of names) assert.equal(mayConfigure({ [name]: "x" }), true, name);
});

Deno.test("loadConfig without any config source gives the defaults, and a variable still counts", async () => {
  await using project = await createTempProject({});
  const home = project.path("home");
  const plain = await loadConfig({ root: project.root, home, env: { LOOM_HOME: home } });
  assert.deepEqual(plain.config, configSchema.parse({}));
  assert.deepEqual(plain.files, []);
  const set = await loadConfig({ root: project.root, home, env: { LOOM_SANDBOX_MODE: "off" } });
  assert.equal(set.config.sandbox.mode, "off");
  await assert.rejects(
    loadConfig({ root: project.root, home, env: { LOOM_SHELL_TIMEOUT_SECONDS: "never" } }),
    /LOOM_SHELL_TIMEOUT_SECONDS/,
  );
});
