import assert from "node:assert/strict";
import type { Message, ToolDefinition } from "../../core/mod.ts";
import { collect, reply, startFakeLlm, textOf } from "../../../tests/_lib/fake_llm.ts";
import { costOf, createModel } from "../mod.ts";

const TOOLS: ToolDefinition[] = [
  {
    name: "file_read",
    description: "Read a file",
    inputSchema: { type: "object", properties: { path: { type: "string" } } },
  },
  {
    name: "shell",
    description: "Run a command",
    inputSchema: { type: "object", properties: { command: { type: "string" } } },
  },
];
const SYSTEM: Message = { role: "system", content: "You are Loom. ".repeat(50) };

Deno.test("the Anthropic adapter streams text and a tool call split across chunks through the real SDK", async () => {
  await using llm = await startFakeLlm();
  llm.enqueue(
    reply.toolCall("file_read", { path: "src/app.ts" }, { text: "Reading it now.", chunks: 4 }),
  );
  const model = createModel("anthropic:claude-sonnet-4-6", { env: llm.env() });
  const parts = await collect(model, {
    messages: [SYSTEM, { role: "user", content: "read app" }],
    tools: TOOLS,
  });
  assert.equal(textOf(parts), "Reading it now.");
  const types = parts.map((p) => p.type);
  assert.equal(types.filter((t) => t === "tool-call-delta").length, 4);
  const end = parts.find((p) => p.type === "tool-call-end");
  assert.deepEqual(end && { name: end.name, input: end.input }, {
    name: "file_read",
    input: { path: "src/app.ts" },
  });
  assert.deepEqual(parts.at(-1), { type: "finish", reason: "tool_calls", raw: "tool_use" });
  assert.equal(llm.requests[0].headers["authorization"], "Bearer sk-ant-fake");
  assert.equal(llm.requests[0].body.stream, true);
});

Deno.test("the Anthropic request marks cache breakpoints on the system prompt, the last tool and the last turns", async () => {
  await using llm = await startFakeLlm();
  llm.enqueue(reply.text("ok"));
  const model = createModel("anthropic:claude-sonnet-4-6", { env: llm.env() });
  await collect(model, {
    tools: TOOLS,
    messages: [
      SYSTEM,
      { role: "user", content: "read app" },
      {
        role: "assistant",
        content: [{ type: "tool_use", id: "t1", name: "file_read", input: { path: "a" } }],
      },
      {
        role: "tool",
        content: [{ type: "tool_result", toolUseId: "t1", content: "1: hi", isError: false }],
      },
    ],
  });
  const body = llm.requests[0].body;
  assert.deepEqual(body.system.map((b: { cache_control?: unknown }) => b.cache_control), [{
    type: "ephemeral",
  }]);
  assert.deepEqual(body.tools.map((t: { cache_control?: unknown }) => t.cache_control ?? null), [
    null,
    { type: "ephemeral" },
  ]);
  const marks = body.messages.map((m: { content: { cache_control?: unknown }[] }) =>
    m.content.at(-1)?.cache_control ?? null
  );
  assert.deepEqual(marks, [{ type: "ephemeral" }, null, { type: "ephemeral" }]);
  assert.deepEqual(body.messages[2].content[0], {
    type: "tool_result",
    tool_use_id: "t1",
    content: "1: hi",
    cache_control: { type: "ephemeral" },
  });
});

Deno.test("a second Anthropic turn reads its unchanged prefix from the prompt cache and costs less", async () => {
  await using llm = await startFakeLlm();
  llm.enqueue(reply.toolCall("file_read", { path: "a" }, { id: "t1" }), reply.text("done"));
  const model = createModel("anthropic:claude-sonnet-4-6", { env: llm.env() });
  const history: Message[] = [SYSTEM, { role: "user", content: "read a" }];
  const first = await collect(model, { messages: history, tools: TOOLS });
  history.push(
    {
      role: "assistant",
      content: [{ type: "tool_use", id: "t1", name: "file_read", input: { path: "a" } }],
    },
    {
      role: "tool",
      content: [{ type: "tool_result", toolUseId: "t1", content: "1: contents of a" }],
    },
  );
  const second = await collect(model, { messages: history, tools: TOOLS });
  const usage = (parts: typeof first) => parts.find((p) => p.type === "usage")!;
  const u1 = usage(first), u2 = usage(second);
  assert.ok(u1.type === "usage" && u2.type === "usage");
  assert.equal(u1.usage.cacheRead, 0);
  assert.ok(u1.usage.cacheWrite > 0);
  assert.equal(u2.usage.cacheRead, u1.usage.cacheWrite);
  assert.ok(
    costOf(u2.usage, model.info) <
      costOf({ ...u2.usage, input: u2.usage.input + u2.usage.cacheRead, cacheRead: 0 }, model.info),
  );
});

Deno.test("over a ten-turn tool session nine tenths of Anthropic input after turn two comes from the cache", async () => {
  await using llm = await startFakeLlm({
    fallback: (req) => reply.toolCall("file_read", { path: `f${req.body.messages.length}.ts` }),
  });
  const model = createModel("anthropic:claude-sonnet-4-6", { env: llm.env() });
  // About 1,500 tokens of instructions, a modest real system prompt.
  const system: Message = { role: "system", content: "You are Loom. ".repeat(400) };
  const history: Message[] = [system, { role: "user", content: "explore the repo" }];
  let read = 0, total = 0;
  for (let turn = 1; turn <= 10; turn++) {
    const parts = await collect(model, { messages: history, tools: TOOLS });
    const end = parts.find((p) => p.type === "tool-call-end");
    const usage = parts.find((p) => p.type === "usage");
    assert.ok(end?.type === "tool-call-end" && usage?.type === "usage");
    if (turn > 2) {
      read += usage.usage.cacheRead;
      total += usage.usage.input + usage.usage.cacheRead + usage.usage.cacheWrite;
    }
    history.push(
      {
        role: "assistant",
        content: [{ type: "tool_use", id: end.id, name: end.name, input: end.input! }],
      },
      {
        role: "tool",
        content: [{ type: "tool_result", toolUseId: end.id, content: "x".repeat(200) }],
      },
    );
  }
  assert.ok(read / total >= 0.9, `cache share ${read / total}`);
});

Deno.test("with ANTHROPIC_AUTH_TOKEN the request carries it as a bearer token and not the Anthropic key", async () => {
  await using llm = await startFakeLlm({ replies: [reply.text("ok")] });
  const model = createModel("anthropic:claude-sonnet-4-6", {
    env: {
      ANTHROPIC_BASE_URL: llm.url,
      ANTHROPIC_AUTH_TOKEN: "gateway-token",
      ANTHROPIC_API_KEY: "sk-ant-must-not-leave",
    },
  });
  assert.equal(textOf(await collect(model, { messages: [{ role: "user", content: "hi" }] })), "ok");
  const headers = llm.requests[0].headers;
  assert.equal(headers["authorization"], "Bearer gateway-token");
  assert.doesNotMatch(JSON.stringify(headers), /sk-ant-must-not-leave/);
});

Deno.test("a server that leaves out SSE event lines is read after the first reply comes to nothing, and from then on", async () => {
  const frames = (text: string) =>
    [
      { type: "message_start", message: { usage: { input_tokens: 5, output_tokens: 1 } } },
      { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text } },
      { type: "content_block_stop", index: 0 },
      { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 3 } },
      { type: "message_stop" },
    ].map((event) => `data: ${JSON.stringify(event)}\n\n`).join("");
  await using llm = await startFakeLlm({
    replies: [reply.raw(frames("lost")), reply.raw(frames("Hello.")), reply.raw(frames("Again."))],
  });
  const model = createModel("proxy:claude-sonnet-4-6", {
    env: { PROXY_KEY: "k" },
    config: {
      providers: { proxy: { base_url: llm.url, api: "anthropic", api_key_env: "PROXY_KEY" } },
    },
    retry: { sleep: () => Promise.resolve() },
  });
  const ask = { messages: [{ role: "user" as const, content: "hi" }] };
  const first = await collect(model, ask);
  assert.equal(textOf(first), "Hello.");
  assert.deepEqual(first.filter((p) => p.type === "retry").length, 1);
  assert.equal(textOf(await collect(model, ask)), "Again.");
  assert.equal(llm.requests.length, 3);
});
