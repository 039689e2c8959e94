import assert from "node:assert/strict";
import type { Message, ToolDefinition } from "../../core/mod.ts";
import { collect, reply, startFakeLlm, textOf } from "../../../tests/_lib/fake_llm.ts";
import { createModel, type ProviderSettings } from "../mod.ts";

const TOOLS: ToolDefinition[] = [
  {
    name: "file_read",
    description: "Read a file",
    inputSchema: { type: "object", properties: { path: { type: "string" } } },
  },
];

Deno.test("the OpenAI adapter streams parallel tool calls split across chunks through the real SDK", async () => {
  await using llm = await startFakeLlm();
  llm.enqueue(reply.toolCalls([
    { name: "file_read", input: { path: "a.ts" }, id: "call_a" },
    { name: "file_read", input: { path: "b.ts" }, id: "call_b" },
  ], { text: "Both.", chunks: 2 }));
  const model = createModel("openai:gpt-5", { env: llm.env() });
  const parts = await collect(model, {
    messages: [{ role: "user", content: "read" }],
    tools: TOOLS,
  });
  assert.equal(textOf(parts), "Both.");
  const ends = parts.flatMap((p) => (p.type === "tool-call-end" ? [[p.id, p.input]] : []));
  assert.deepEqual(ends, [["call_a", { path: "a.ts" }], ["call_b", { path: "b.ts" }]]);
  assert.deepEqual(parts.at(-1), { type: "finish", reason: "tool_calls", raw: "tool_calls" });
  const body = llm.requests[0].body;
  assert.equal(llm.requests[0].headers.authorization, "Bearer sk-fake");
  assert.deepEqual(body.stream_options, { include_usage: true });
  assert.equal(body.max_completion_tokens, 8192);
  assert.deepEqual(body.tools[0], {
    type: "function",
    function: { name: "file_read", description: "Read a file", parameters: TOOLS[0].inputSchema },
  });
});

Deno.test("the OpenAI request carries assistant tool calls and one tool message per result", async () => {
  await using llm = await startFakeLlm();
  llm.enqueue(reply.text("ok"));
  const model = createModel("openai:gpt-4.1", { env: llm.env() });
  const messages: Message[] = [
    { role: "system", content: "sys" },
    { role: "user", content: "go" },
    {
      role: "assistant",
      content: [
        { type: "tool_use", id: "c1", name: "file_read", input: { path: "a" } },
        { type: "tool_use", id: "c2", name: "file_read", input: { path: "b" } },
      ],
    },
    {
      role: "tool",
      content: [
        { type: "tool_result", toolUseId: "c1", content: "A" },
        { type: "tool_result", toolUseId: "c2", content: "no such file", isError: true },
      ],
    },
  ];
  await collect(model, { messages, tools: TOOLS });
  assert.deepEqual(llm.requests[0].body.messages, [
    { role: "system", content: "sys" },
    { role: "user", content: "go" },
    {
      role: "assistant",
      content: null,
      tool_calls: [
        { id: "c1", type: "function", function: { name: "file_read", arguments: '{"path":"a"}' } },
        { id: "c2", type: "function", function: { name: "file_read", arguments: '{"path":"b"}' } },
      ],
    },
    { role: "tool", tool_call_id: "c1", content: "A" },
    { role: "tool", tool_call_id: "c2", content: "no such file" },
  ]);
});

Deno.test("OpenAI cached prompt tokens are reported as cache reads and not as input", async () => {
  await using llm = await startFakeLlm();
  llm.enqueue(reply.text("one"), reply.text("two"));
  const model = createModel("openai:gpt-5", { env: llm.env() });
  const history: Message[] = [{ role: "system", content: "long prompt ".repeat(200) }, {
    role: "user",
    content: "q1",
  }];
  await collect(model, { messages: history });
  history.push({ role: "assistant", content: "one" }, { role: "user", content: "q2" });
  const parts = await collect(model, { messages: history });
  const usage = parts.find((p) => p.type === "usage");
  const served = llm.requests[1].usage!;
  assert.ok(served.cacheRead > 0);
  assert.deepEqual(usage, {
    type: "usage",
    usage: {
      input: served.input,
      output: served.output,
      cacheRead: served.cacheRead,
      cacheWrite: 0,
    },
  });
});

Deno.test("a user-defined OpenAI-compatible provider uses its base_url, key variable and max_tokens", async () => {
  await using llm = await startFakeLlm();
  llm.enqueue(reply.text("local answer"));
  const model = createModel("corp:coder-7b", {
    env: { CORP_KEY: "corp-secret" },
    config: {
      providers: { corp: { base_url: llm.openaiURL, api_key_env: "CORP_KEY" } },
      models: { "corp:coder-7b": { context_window: 65_536 } },
    },
  });
  assert.equal(
    textOf(await collect(model, { messages: [{ role: "user", content: "hi" }] })),
    "local answer",
  );
  assert.equal(llm.requests[0].headers.authorization, "Bearer corp-secret");
  assert.equal(llm.requests[0].body.model, "coder-7b");
  assert.equal(llm.requests[0].body.max_tokens, 4096);
  assert.equal(llm.requests[0].body.max_completion_tokens, undefined);
  assert.equal(model.info.contextWindow, 65_536);
});

Deno.test("a keyless local provider (ollama) works without any key variable", async () => {
  await using llm = await startFakeLlm();
  llm.enqueue(reply.text("from ollama"));
  const model = createModel("ollama:qwen3:8b", {
    env: {},
    config: { providers: { ollama: { base_url: llm.openaiURL } } },
  });
  assert.equal(
    textOf(await collect(model, { messages: [{ role: "user", content: "hi" }] })),
    "from ollama",
  );
  assert.equal(llm.requests[0].body.model, "qwen3:8b");
  assert.equal(model.info.prices.input, 0);
});

Deno.test("Mistral, and a server set to its rules, get nine-letter tool call ids; OpenAI gets ids of 40 at most", async () => {
  await using llm = await startFakeLlm();
  const long = `toolu_${"x".repeat(40)}`;
  const messages: Message[] = [
    { role: "user", content: "go" },
    {
      role: "assistant",
      content: [
        { type: "tool_use", id: "toolu_01A09q90qw90lq917835lq9", name: "file_read", input: {} },
        { type: "tool_use", id: "aB3xK9mP2", name: "file_read", input: {} },
        { type: "tool_use", id: long, name: "file_read", input: {} },
      ],
    },
    {
      role: "tool",
      content: [
        { type: "tool_result", toolUseId: "toolu_01A09q90qw90lq917835lq9", content: "A" },
        { type: "tool_result", toolUseId: "aB3xK9mP2", content: "B" },
        { type: "tool_result", toolUseId: long, content: "C" },
      ],
    },
  ];
  const sentIds = async (modelString: string, providers: Record<string, ProviderSettings>) => {
    llm.enqueue(reply.text("ok"));
    const env = { MISTRAL_API_KEY: "m", OPENAI_API_KEY: "o" };
    await collect(createModel(modelString, { env, config: { providers } }), { messages });
    const body = llm.requests.at(-1)!.body as {
      messages: { tool_calls?: { id: string }[]; tool_call_id?: string }[];
    };
    const calls = body.messages[1].tool_calls!.map((c) => c.id);
    assert.deepEqual(body.messages.slice(2).map((m) => m.tool_call_id), calls, "results match");
    return calls;
  };
  const mistral = await sentIds("mistral:devstral-medium-latest", {
    mistral: { base_url: llm.openaiURL },
  });
  for (const id of mistral) assert.match(id, /^[A-Za-z0-9]{9}$/);
  assert.equal(mistral[1], "aB3xK9mP2", "an id Mistral accepts is kept");
  const local = await sentIds("lab:devstral", {
    lab: { base_url: llm.openaiURL, tool_call_ids: "mistral" },
  });
  assert.deepEqual(local, mistral);
  const openai = await sentIds("openai:gpt-5", { openai: { base_url: llm.openaiURL } });
  assert.deepEqual(openai.slice(0, 2), ["toolu_01A09q90qw90lq917835lq9", "aB3xK9mP2"]);
  assert.ok(openai[2].length <= 40);
});

Deno.test("Mistral, and a server set so, get no stream_options; its 422 for them is explained, not thrown", async () => {
  await using llm = await startFakeLlm();
  const sent = async (modelString: string, providers: Record<string, ProviderSettings>) => {
    llm.enqueue(reply.text("ok"));
    const env = { MISTRAL_API_KEY: "m" };
    await collect(createModel(modelString, { env, config: { providers } }), {
      messages: [{ role: "user", content: "hi" }],
    });
    return llm.requests.at(-1)!.body.stream_options;
  };
  assert.equal(
    await sent("mistral:mistral-large-latest", { mistral: { base_url: llm.openaiURL } }),
    undefined,
  );
  assert.equal(
    await sent("lab:m", { lab: { base_url: llm.openaiURL, stream_options: false } }),
    undefined,
  );
  assert.deepEqual(await sent("lab:m", { lab: { base_url: llm.openaiURL } }), {
    include_usage: true,
  });
  // Mistral's refusal, as it words it: its message is an object, not a string.
  const refusal = JSON.stringify({
    object: "error",
    message: {
      detail: [{
        type: "extra_forbidden",
        loc: ["body", "stream_options", "include_usage"],
        msg: "Extra inputs are not permitted",
        input: true,
      }],
    },
    type: "invalid_request_error",
    param: null,
    code: null,
  });
  const model = createModel("lab:m", {
    env: {},
    config: { providers: { lab: { base_url: "http://127.0.0.1:9/v1" } } },
    fetch: () => Promise.resolve(new Response(refusal, { status: 422 })),
  });
  const parts = await collect(model, { messages: [{ role: "user", content: "hi" }] });
  const last = parts.at(-1)!;
  assert.equal(last.type, "error");
  assert.equal(
    last.type === "error" ? last.error.message : "",
    'Cannot call "lab:m": the server does not take stream_options (422) ' +
      "(body.stream_options.include_usage: Extra inputs are not permitted); " +
      "set [providers.lab] stream_options = false in .loom.toml or ~/.loom/config.toml",
  );
});

Deno.test("DeepSeek gets reasoning_content back from its reasoner, not from deepseek-chat", async () => {
  await using llm = await startFakeLlm();
  const messages: Message[] = [
    { role: "user", content: "go" },
    { role: "assistant", content: "Hello." },
    { role: "user", content: "again" },
  ];
  const sent = async (modelString: string) => {
    llm.enqueue(reply.text("ok"));
    const model = createModel(modelString, {
      env: { DEEPSEEK_API_KEY: "d" },
      config: { providers: { deepseek: { base_url: llm.openaiURL } } },
    });
    await collect(model, { messages });
    return llm.requests.at(-1)!.body.messages[1];
  };
  assert.deepEqual(await sent("deepseek:deepseek-reasoner"), {
    role: "assistant",
    content: "Hello.",
    reasoning_content: "",
  });
  assert.deepEqual(await sent("deepseek:deepseek-chat"), { role: "assistant", content: "Hello." });
  // Another server's thinking model, once its provider is set to want reasoning back.
  llm.enqueue(reply.text("ok"));
  const kimi = createModel("moonshot:kimi-k2-thinking", {
    env: {},
    config: {
      providers: { moonshot: { base_url: llm.openaiURL, reasoning_content: true } },
      models: { "moonshot:kimi-k2-thinking": { reasoning: true } },
    },
  });
  await collect(kimi, { messages });
  assert.equal(llm.requests.at(-1)!.body.messages[1].reasoning_content, "");
});

Deno.test("a server set to want extra_content (Gemini 3 behind Vertex AI) gets it back with its call", async () => {
  await using llm = await startFakeLlm();
  const signed = { google: { thought_signature: "sig" } };
  const messages: Message[] = [
    { role: "user", content: "go" },
    {
      role: "assistant",
      content: [{
        type: "tool_use",
        id: "c1",
        name: "file_read",
        input: {},
        providerFields: { extra_content: signed },
      }],
    },
    { role: "tool", content: [{ type: "tool_result", toolUseId: "c1", content: "A" }] },
  ];
  for (const [echo, expected] of [[true, signed], [false, undefined]] as const) {
    llm.enqueue(reply.text("ok"));
    const model = createModel("vertex:gemini-3-pro-preview", {
      env: {},
      config: { providers: { vertex: { base_url: llm.openaiURL, extra_content: echo } } },
    });
    await collect(model, { messages });
    assert.deepEqual(llm.requests.at(-1)!.body.messages[1].tool_calls[0].extra_content, expected);
  }
});

Deno.test("OpenRouter, and a server set so, get reasoning_details back with the message of their calls; OpenAI does not", async () => {
  await using llm = await startFakeLlm();
  const details = [{ type: "reasoning.encrypted", data: "sig\ud800", id: "c1", index: 0 }];
  const messages: Message[] = [
    { role: "user", content: "go" },
    {
      role: "assistant",
      content: [
        { type: "text", text: "Reading." },
        {
          type: "tool_use",
          id: "c1",
          name: "file_read",
          input: {},
          providerFields: { reasoning_details: details },
        },
      ],
    },
    { role: "tool", content: [{ type: "tool_result", toolUseId: "c1", content: "A" }] },
  ];
  const sent = [{ type: "reasoning.encrypted", data: "sig\ufffd", id: "c1", index: 0 }];
  const cases: [string, Record<string, unknown>, unknown][] = [
    ["openrouter:google/gemini-3-pro-preview", {}, sent],
    ["proxy:google/gemini-3-pro-preview", { reasoning_details: true }, sent],
    ["openrouter:google/gemini-3-pro-preview", { reasoning_details: false }, undefined],
    ["openai:gpt-5", {}, undefined],
  ];
  for (const [id, settings, expected] of cases) {
    llm.enqueue(reply.text("ok"));
    const provider = id.split(":")[0];
    const model = createModel(id, {
      env: { OPENROUTER_API_KEY: "k", OPENAI_API_KEY: "k" },
      config: { providers: { [provider]: { base_url: llm.openaiURL, ...settings } } },
    });
    await collect(model, { messages });
    assert.deepEqual(llm.requests.at(-1)!.body.messages[1].reasoning_details, expected, id);
  }
});

Deno.test("Gemini's errors, sent as a one-element array, are read for their message, advice and key", async () => {
  const gemini = (message: string, status: string, code = 400) =>
    reply.rawError(code, JSON.stringify([{ error: { code, message, status } }]));
  await using llm = await startFakeLlm({
    replies: [
      gemini("API key not valid. Please pass a valid API key.", "INVALID_ARGUMENT"),
      gemini(
        "Function call is missing a thought_signature in functionCall parts.",
        "INVALID_ARGUMENT",
      ),
      reply.rawError(502, "<html>Bad gateway</html>"),
    ],
  });
  const model = createModel("google:gemini-2.5-pro", {
    env: { GEMINI_API_KEY: "bad" },
    config: { providers: { google: { base_url: llm.openaiURL } } },
    retry: { maxRetries: 0 },
  });
  const errorOf = async () => {
    const last = (await collect(model, { messages: [{ role: "user", content: "hi" }] })).at(-1);
    return last?.type === "error" ? last.error.message : `no error: ${JSON.stringify(last)}`;
  };
  assert.equal(
    await errorOf(),
    'Cannot call "google:gemini-2.5-pro": the API key was refused (400) (API key not valid. ' +
      "Please pass a valid API key.); check GEMINI_API_KEY",
  );
  assert.equal(
    await errorOf(),
    'Cannot call "google:gemini-2.5-pro": the server wants Gemini\'s thought signatures sent back ' +
      "(400) (Function call is missing a thought_signature in functionCall parts.); set " +
      "[providers.google] extra_content = true in .loom.toml or ~/.loom/config.toml",
  );
  assert.match(await errorOf(), /502.*Bad gateway/);
});
