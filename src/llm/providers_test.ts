import assert from "node:assert/strict";
import { resolveProvider, unreachableAdvice } from "./providers.ts";

Deno.test("unreachableAdvice tells local servers to start and hosted providers to check the base URL", () => {
  const env = { ANTHROPIC_API_KEY: "k", OPENAI_API_KEY: "k", GEMINI_API_KEY: "k" };
  const settings = {
    mine: { base_url: "http://localhost:9000/v1" },
    corp: { base_url: "https://llm.corp.example/v1" },
  };
  const table: [string, string][] = [
    ["ollama", "is the server running? start it or set [providers.ollama] base_url"],
    ["lmstudio", "is the server running? start it or set [providers.lmstudio] base_url"],
    ["vllm", "is the server running? start it or set [providers.vllm] base_url"],
    ["anthropic", "check the network or ANTHROPIC_BASE_URL"],
    ["openai", "check the network or OPENAI_BASE_URL"],
    ["google", "check the network or [providers.google] base_url"],
    ["mine", "is the server running? start it or set [providers.mine] base_url"],
    ["corp", "check the network or [providers.corp] base_url"],
  ];
  for (const [name, advice] of table) {
    const resolved = resolveProvider(`${name}:m`, name, env, settings);
    assert.equal(unreachableAdvice(resolved), advice, name);
  }
});

Deno.test("ANTHROPIC_AUTH_TOKEN (what gateways tell Claude Code users to set) is the credential when set, and the key is then not sent", () => {
  const gateway = { ANTHROPIC_BASE_URL: "https://api.deepseek.com/anthropic" };
  const token = resolveProvider("anthropic:m", "anthropic", {
    ...gateway,
    ANTHROPIC_AUTH_TOKEN: " tok ",
    ANTHROPIC_API_KEY: "sk-ant-real",
  });
  assert.equal(token.authToken, "tok");
  assert.equal(token.apiKey, undefined);
  assert.equal(token.baseURL, "https://api.deepseek.com/anthropic");
  assert.equal(
    resolveProvider("anthropic:m", "anthropic", { ANTHROPIC_API_KEY: "sk" }).apiKey,
    "sk",
  );
  // A variable named in api_key_env is the credential: the token is not looked at.
  const named = resolveProvider(
    "anthropic:m",
    "anthropic",
    { ANTHROPIC_AUTH_TOKEN: "tok", MY_KEY: "mine" },
    { anthropic: { api_key_env: "MY_KEY" } },
  );
  assert.deepEqual([named.apiKey, named.authToken], ["mine", undefined]);
  assert.throws(
    () => resolveProvider("anthropic:m", "anthropic", {}),
    /ANTHROPIC_API_KEY is not set; export it \(or ANTHROPIC_AUTH_TOKEN\) or set \[providers\.anthropic\] api_key_env/,
  );
});
