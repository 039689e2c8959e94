import assert from "node:assert/strict";
import { cleanEnv, isSecretVariable } from "./env.ts";

const SECRETS: [string, string][] = [
  ["ANTHROPIC_API_KEY", "sk-ant"],
  ["OPENAI_APIKEY", "sk"],
  ["GITHUB_TOKEN", "ghp"],
  ["GH_PAT", "x"],
  ["LOOM_MCP_TOKEN", "x"],
  ["AWS_ACCESS_KEY_ID", "AKIA"],
  ["AWS_SECRET_ACCESS_KEY", "x"],
  ["AWS_SESSION_TOKEN", "x"],
  ["GOOGLE_APPLICATION_CREDENTIALS", "/k.json"],
  ["STRIPE_KEY", "x"],
  ["MY_SECRET_THING", "x"],
  ["PGPASSWORD", "x"],
  ["NPM_CONFIG__AUTH", "x"],
  ["SSH_AUTH_SOCK", "/run/agent"],
  ["DATABASE_URL", "postgres://localhost/db"],
  ["REDIS_URL", "redis://user:pw@localhost:6379"],
  ["BASH_ENV", "/tmp/evil"],
  ["BASH_FUNC_ls%%", "() { evil; }"],
  ["LD_PRELOAD", "/tmp/evil.so"],
  ["PROMPT_COMMAND", "evil"],
];
const KEPT: [string, string][] = [
  ["PATH", "/usr/bin"],
  ["HOME", "/root"],
  ["LANG", "C.UTF-8"],
  ["LC_ALL", "C"],
  ["TERM", "xterm"],
  ["USER", "me"],
  ["SHELL", "/bin/bash"],
  ["TZ", "UTC"],
  ["PWD", "/work"],
  ["GIT_AUTHOR_NAME", "Me"],
  ["KEYBOARD_LAYOUT", "us"],
  ["HTTP_PROXY", "http://proxy:3128"],
  ["NODE_ENV", "test"],
];

Deno.test("secret variables are recognised by name, and by a password in a URL", () => {
  for (const [name, value] of SECRETS) {
    assert.equal(isSecretVariable(name, value), true, `${name} should be dropped`);
  }
});

Deno.test("ordinary variables such as PATH, HOME, LANG and GIT_AUTHOR_NAME are kept", () => {
  for (const [name, value] of KEPT) {
    assert.equal(isSecretVariable(name, value), false, `${name} should be kept`);
  }
});

Deno.test("cleanEnv keeps exactly the non-secret variables", () => {
  const env = Object.fromEntries([...SECRETS, ...KEPT]);
  assert.deepEqual(cleanEnv(env), Object.fromEntries(KEPT));
});
