import assert from "node:assert/strict";
import { isLoomError } from "../core/mod.ts";
import { collect, reply, startFakeLlm } from "../../tests/_lib/fake_llm.ts";
import { catalogIds, createModel, lookupModel, parseModelId, resolveProvider } from "./mod.ts";
import { IDLE_TIMEOUT_MS, idleTimeoutFor, PATIENT_IDLE_TIMEOUT_MS } from "./create.ts";

function throwsLoom(fn: () => unknown, code: string, message: string): void {
  assert.throws(fn, (err) => isLoomError(err) && err.code === code && err.message === message);
}

Deno.test("a missing key fails at once, naming the variable and the config key to set", () => {
  throwsLoom(
    () => createModel("anthropic:claude-x", { env: {} }),
    "CONFIG",
    'Cannot call "anthropic:claude-x": ANTHROPIC_API_KEY is not set; export it (or ANTHROPIC_AUTH_TOKEN) or set [providers.anthropic] api_key_env',
  );
  throwsLoom(
    () => createModel("groq:llama-3.3-70b-versatile", { env: { GROQ_API_KEY: " " } }),
    "CONFIG",
    'Cannot call "groq:llama-3.3-70b-versatile": GROQ_API_KEY is not set; export it or set [providers.groq] api_key_env',
  );
});

Deno.test("an unknown provider or a malformed model string fails at once with what to write", () => {
  assert.throws(
    () => createModel("acme:big", { env: {} }),
    (err) =>
      isLoomError(err, "CONFIG") &&
      /no provider named "acme"; use one of anthropic, openai, google, .* or add \[providers.acme\] base_url$/
        .test(err.message),
  );
  throwsLoom(
    () => parseModelId("gpt-5"),
    "USAGE",
    'Cannot use model "gpt-5": expected provider:model; write e.g. anthropic:claude-sonnet-4-5 or openai:gpt-5',
  );
  assert.deepEqual(parseModelId("Ollama:qwen3:8b"), { provider: "ollama", model: "qwen3:8b" });
});

Deno.test("an unknown model runs on conservative defaults and warns once how to correct it", () => {
  const warnings: string[] = [];
  const model = createModel("openai:gpt-9-turbo", {
    env: { OPENAI_API_KEY: "k" },
    onWarning: (w) => warnings.push(w),
  });
  assert.equal(model.info.known, false);
  assert.equal(model.info.contextWindow, 32_768);
  assert.equal(model.info.maxOutput, 4_096);
  assert.deepEqual(warnings, [
    'Model "openai:gpt-9-turbo" is not in Loom\'s catalog: assuming a 32768-token context, 4096 output tokens and no price; set [models."openai:gpt-9-turbo"] to correct it',
  ]);
  createModel("openai:gpt-5", { env: { OPENAI_API_KEY: "k" }, onWarning: (w) => warnings.push(w) });
  assert.equal(warnings.length, 1);
});

Deno.test("the catalog knows dated ids, and config overrides win over it", () => {
  const dated = lookupModel("anthropic:claude-sonnet-4-5-20250929");
  assert.deepEqual(
    [dated.known, dated.contextWindow, dated.prices.input, dated.prices.cacheWrite],
    [true, 200_000, 3, 3.75],
  );
  const overridden = lookupModel("openai:gpt-5", {
    "openai:gpt-5": { input_price: 2, context_window: 100_000 },
  });
  assert.deepEqual([overridden.prices.input, overridden.prices.output, overridden.contextWindow], [
    2,
    10,
    100_000,
  ]);
  for (
    const id of [
      "anthropic:claude-opus-4-1",
      "anthropic:claude-haiku-4-5",
      "openai:gpt-4.1",
      "openai:o3",
      "openai:o4-mini",
      "google:gemini-2.5-pro",
      "groq:llama-3.3-70b-versatile",
      "xai:grok-4",
      "deepseek:deepseek-chat",
    ]
  ) {
    assert.ok(catalogIds().includes(id), id);
  }
});

Deno.test("the SDK base-URL variable beats [providers] base_url, which beats the built-in endpoint", () => {
  const settings = { anthropic: { base_url: "https://proxy.example" } };
  const env = { ANTHROPIC_API_KEY: "k" };
  assert.equal(resolveProvider("m", "anthropic", env, {}).baseURL, "https://api.anthropic.com");
  assert.equal(resolveProvider("m", "anthropic", env, settings).baseURL, "https://proxy.example");
  assert.equal(
    resolveProvider(
      "m",
      "anthropic",
      { ...env, ANTHROPIC_BASE_URL: "http://127.0.0.1:9" },
      settings,
    ).baseURL,
    "http://127.0.0.1:9",
  );
  assert.equal(
    resolveProvider("m", "google", { GEMINI_API_KEY: "g" }).baseURL,
    "https://generativelanguage.googleapis.com/v1beta/openai/",
  );
  const own = resolveProvider("m", "openai", { MY_KEY: "mine", OPENAI_API_KEY: "theirs" }, {
    openai: { api_key_env: "MY_KEY" },
  });
  assert.equal(own.apiKey, "mine");
});

Deno.test("ANTHROPIC_BASE_URL passed in env sends the real SDK's requests there", async () => {
  await using llm = await startFakeLlm({ replies: [reply.text("hi")] });
  const model = createModel("anthropic:claude-haiku-4-5", {
    env: { ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: llm.url },
  });
  await collect(model, { messages: [{ role: "user", content: "x" }] });
  assert.equal(llm.requests.length, 1);
  assert.equal(llm.requests[0].body.model, "claude-haiku-4-5");
  assert.deepEqual(model.capabilities, { tools: true, images: true, promptCaching: true });
});

Deno.test("a model that reasons before it writes, or a server of the person's own, gets ten minutes of silence; others two", () => {
  const settings = {
    lab: { base_url: "http://192.168.1.5:8000/v1" },
    box: { base_url: "http://localhost:8080/v1" },
    corp: { base_url: "https://llm.corp.example/v1" },
  };
  const env = { ANTHROPIC_API_KEY: "k", OPENAI_API_KEY: "k", GROQ_API_KEY: "k" };
  const table: [string, number][] = [
    ["anthropic:claude-sonnet-4-6", IDLE_TIMEOUT_MS],
    ["groq:llama-3.3-70b-versatile", IDLE_TIMEOUT_MS],
    ["corp:big", IDLE_TIMEOUT_MS],
    ["openai:gpt-5", PATIENT_IDLE_TIMEOUT_MS],
    ["openai:o3", PATIENT_IDLE_TIMEOUT_MS],
    ["ollama:qwen3-coder", PATIENT_IDLE_TIMEOUT_MS],
    ["lab:devstral", PATIENT_IDLE_TIMEOUT_MS],
    ["box:qwen", PATIENT_IDLE_TIMEOUT_MS],
  ];
  for (const [model, expected] of table) {
    const id = parseModelId(model);
    const info = lookupModel(id);
    const resolved = resolveProvider(info.id, id.provider, env, settings);
    assert.equal(idleTimeoutFor(info, resolved), expected, model);
  }
});

Deno.test("the silence allowed reaches the stream: two minutes in, a hosted model's call is given up and gpt-5's is not", async () => {
  await using llm = await startFakeLlm();
  let arrived = 0;
  let bothArrived!: () => void;
  const both = new Promise<void>((resolve) => (bothArrived = resolve));
  const stall = () => {
    if (++arrived === 2) bothArrived();
    return reply.hang();
  };
  llm.enqueue(stall, stall);
  const models = ["anthropic:claude-sonnet-4-6", "openai:gpt-5"].map((id) =>
    createModel(id, { env: llm.env(), retry: { maxRetries: 0 } })
  );
  const ask = { messages: [{ role: "user" as const, content: "hi" }] };
  const reasoning = new AbortController();
  let reasoningDone = false;
  const hosted = collect(models[0], ask);
  const thinking = collect(models[1], ask, reasoning.signal).finally(() => (reasoningDone = true));
  await both;
  // Both wait for their headers, silent since they were sent. Three minutes pass, as the idle
  // watch sees it: its next tick gives up the hosted call alone.
  const realNow = Date.now;
  Date.now = () => realNow() + 180_000;
  try {
    const last = (await hosted).at(-1);
    assert.match(last?.type === "error" ? last.error.message : "", /stopped answering/);
    assert.equal(reasoningDone, false);
  } finally {
    Date.now = realNow;
    reasoning.abort();
  }
  // Cancelled by the test, not given up: its ten minutes had not passed.
  const ended = (await thinking).at(-1);
  assert.equal(ended?.type === "error" ? ended.error.code : ended?.type, "CANCELLED");
});
