import assert from "node:assert/strict";
import { LoomError } from "../core/mod.ts";
import { configFromEnv, envName } from "./env.ts";

Deno.test("envName upper-cases section and key after LOOM_", () => {
  assert.equal(envName(["shell", "timeout_seconds"]), "LOOM_SHELL_TIMEOUT_SECONDS");
});

Deno.test("LOOM_ variables are coerced to each key's type", () => {
  const layer = configFromEnv({
    LOOM_SANDBOX_MODE: "off",
    LOOM_SANDBOX_NETWORK: "TRUE",
    LOOM_SHELL_TIMEOUT_SECONDS: "30",
    LOOM_PERMISSIONS_AUTO_APPROVE: "0",
    LOOM_MODEL_DEFAULT: "openai:gpt-5",
    LOOM_CONTEXT_MAX_REPO_MAP_TOKENS: " 4096 ",
  });
  assert.deepEqual(layer, {
    sandbox: { mode: "off", network: true },
    shell: { timeout_seconds: 30 },
    permissions: { auto_approve: false },
    model: { default: "openai:gpt-5" },
    context: { max_repo_map_tokens: 4096 },
  });
});

Deno.test("LOOM_MODEL is short for model.default and the long name wins when both are set", () => {
  assert.deepEqual(configFromEnv({ LOOM_MODEL: "a:b" }), { model: { default: "a:b" } });
  assert.deepEqual(configFromEnv({ LOOM_MODEL: "a:b", LOOM_MODEL_DEFAULT: "c:d" }), {
    model: { default: "c:d" },
  });
});

Deno.test("LOOM_ names that are not config keys, and other variables, are ignored", () => {
  const layer = configFromEnv({
    LOOM_DB_PATH: "/tmp/x.db",
    LOOM_MCP_TOKEN: "secret",
    LOOM_HOME: "/h",
    LOOM_CONFIG: "/c",
    LOOM_PERMISSIONS_ALLOW: "shell(*)",
    HOME: "/root",
    LOOM_SANDBOX_MODE: "",
  });
  assert.deepEqual(layer, {});
});

const bad: [string, string, string][] = [
  ["LOOM_SHELL_TIMEOUT_SECONDS", "abc", "an integer from 1 to 600"],
  ["LOOM_SHELL_TIMEOUT_SECONDS", "601", "an integer from 1 to 600"],
  ["LOOM_SANDBOX_NETWORK", "maybe", "true or false"],
  ["LOOM_SANDBOX_MODE", "docker", 'one of "auto", "bwrap", "off"'],
];
for (const [name, value, allowed] of bad) {
  Deno.test(`${name}=${value} is a CONFIG error naming the variable and what is allowed`, () => {
    assert.throws(
      () => configFromEnv({ [name]: value }),
      (err: unknown) =>
        err instanceof LoomError && err.code === "CONFIG" &&
        err.message.startsWith(`Cannot use ${name}=${JSON.stringify(value)}: `) &&
        err.message.includes(`must be ${allowed}`) && err.details?.variable === name,
    );
  });
}
