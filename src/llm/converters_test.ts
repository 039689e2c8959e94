import assert from "node:assert/strict";
import type { StreamPart } from "../core/mod.ts";
import { reply, startFakeLlm } from "../../tests/_lib/fake_llm.ts";
import { createAnthropicConverter } from "./anthropic/events.ts";
import { createOpenAIConverter, type OpenAIChunk } from "./openai/chunks.ts";
import { createModel } from "./mod.ts";
import type { Converter } from "./retry.ts";

const FIXTURES = new URL("../../fixtures/llm/", import.meta.url);

/** Events of an SSE body as the SDKs hand them on: pings and `[DONE]` dropped, data parsed. */
function sseEvents(body: string): unknown[] {
  const events: unknown[] = [];
  for (const frame of body.split("\n\n")) {
    const lines = frame.split("\n");
    const event = lines.find((l) => l.startsWith("event: "))?.slice(7);
    const data = lines.filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
    if (!data || data === "[DONE]" || event === "ping") continue;
    events.push(JSON.parse(data));
  }
  return events;
}

function convert<E>(converter: Converter<E>, events: unknown[]): StreamPart[] | "incomplete" {
  const parts = events.flatMap((e) => converter.push(e as E));
  const tail = converter.end();
  return tail ? [...parts, ...tail] : "incomplete";
}

const TABLE: [string, "anthropic" | "openai"][] = [
  ["anthropic_thinking_tools", "anthropic"],
  ["anthropic_text_max_tokens", "anthropic"],
  ["deepseek_anthropic_thinking_tools", "anthropic"],
  ["openai_parallel_tools", "openai"],
  ["openai_text", "openai"],
  ["gemini_tool_call", "openai"],
  ["deepseek_cache_hit", "openai"],
  ["groq_x_groq_usage", "openai"],
  ["ollama_index_zero", "openai"],
  ["vllm_id_every_delta", "openai"],
  ["gemini3_thought_signature", "openai"],
  ["deepseek_reasoner_tools", "openai"],
  ["openrouter_gemini3_reasoning_details", "openai"],
  ["mistral_magistral_thinking", "openai"],
  ["vllm_inline_think", "openai"],
];

for (const [name, api] of TABLE) {
  Deno.test(`the ${api} converter turns the recorded ${name} stream into its golden parts`, async () => {
    const body = await Deno.readTextFile(new URL(`${name}.sse`, FIXTURES));
    const converter = api === "anthropic" ? createAnthropicConverter() : createOpenAIConverter();
    const parts = convert(converter as Converter<unknown>, sseEvents(body));
    const golden = new URL(`${name}.parts.json`, FIXTURES);
    if (Deno.env.get("UPDATE_GOLDEN") === "1") {
      await Deno.writeTextFile(golden, JSON.stringify(parts, null, 2) + "\n");
    }
    assert.deepEqual(parts, JSON.parse(await Deno.readTextFile(golden)));
  });
}

Deno.test("a stream that stops before message_stop or finish_reason converts to incomplete", () => {
  const anthropic = createAnthropicConverter();
  anthropic.push({ type: "message_start", message: { usage: { input_tokens: 3 } } });
  assert.equal(anthropic.end(), undefined);
  const openai = createOpenAIConverter();
  openai.push({ choices: [{ delta: { content: "half" }, finish_reason: null }] });
  assert.equal(openai.end(), undefined);
});

Deno.test("tool-call-end carries undefined input when the arguments are not a JSON object", () => {
  const c = createOpenAIConverter();
  c.push({
    choices: [{
      delta: { tool_calls: [{ index: 0, id: "c1", function: { name: "x", arguments: "[1," } }] },
    }],
  });
  const parts = c.push({ choices: [{ delta: {}, finish_reason: "tool_calls" }] });
  assert.deepEqual(parts, [{
    type: "tool-call-end",
    id: "c1",
    name: "x",
    input: undefined,
    argsText: "[1,",
  }]);
});

for (
  const [name, api] of [
    ["anthropic_thinking_tools", "anthropic"],
    ["openai_parallel_tools", "openai"],
    ["ollama_index_zero", "openai"],
    ["mistral_magistral_thinking", "openai"],
  ]
) {
  Deno.test(`replaying ${name} through the real ${api} SDK gives the converter's golden parts`, async () => {
    await using llm = await startFakeLlm();
    llm.enqueue(reply.raw(await Deno.readTextFile(new URL(`${name}.sse`, FIXTURES))));
    const model = createModel(
      api === "anthropic" ? "anthropic:claude-sonnet-4-6" : "openai:gpt-5",
      {
        env: llm.env(),
      },
    );
    const parts: StreamPart[] = [];
    for await (const part of model.stream({ messages: [{ role: "user", content: "go" }] })) {
      parts.push(part);
    }
    // The adapter marks thinking with the server it came from; the golden parts have no server.
    for (const part of parts) {
      const fields = part.type === "tool-call-end" ? part.providerFields : undefined;
      if (fields?.thinking_origin === undefined) continue;
      assert.equal(fields.thinking_origin, llm.env().ANTHROPIC_BASE_URL!.replace(/\/+$/, ""));
      delete fields.thinking_origin;
    }
    const golden = JSON.parse(await Deno.readTextFile(new URL(`${name}.parts.json`, FIXTURES)));
    assert.deepEqual(parts, golden);
  });
}

Deno.test("tool call deltas without an index: a named entry opens a call, an unnamed one goes on with the last", () => {
  type Delta = NonNullable<NonNullable<OpenAIChunk["choices"]>[number]["delta"]>["tool_calls"];
  const ends = (deltas: Delta[]) => {
    const c = createOpenAIConverter();
    for (const tool_calls of deltas) c.push({ choices: [{ delta: { tool_calls } }] });
    return c.push({ choices: [{ delta: {}, finish_reason: "tool_calls" }] })
      .flatMap((p) => p.type === "tool-call-end" ? [[p.id, p.name, p.input]] : []);
  };
  // An id and a name first, then arguments alone, in pieces.
  assert.deepEqual(
    ends([
      [{ id: "c7", function: { name: "file_read", arguments: "" } }],
      [{ function: { arguments: '{"path":' } }],
      [{ function: { arguments: '"a.ts"}' } }],
    ]),
    [["c7", "file_read", { path: "a.ts" }]],
  );
  // Gemini: whole calls, named, without ids, two in one delta.
  assert.deepEqual(
    ends([[
      { id: "", function: { name: "file_read", arguments: '{"path":"a.ts"}' } },
      { id: "", function: { name: "file_read", arguments: '{"path":"b.ts"}' } },
    ]]),
    [["call_0", "file_read", { path: "a.ts" }], ["call_1", "file_read", { path: "b.ts" }]],
  );
  // One id for two calls at two indexes (a server naming calls after their function).
  assert.deepEqual(
    ends([
      [{
        index: 0,
        id: "file_read",
        function: { name: "file_read", arguments: '{"path":"a.ts"}' },
      }],
      [{
        index: 1,
        id: "file_read",
        function: { name: "file_read", arguments: '{"path":"b.ts"}' },
      }],
    ]),
    [["file_read", "file_read", { path: "a.ts" }], ["file_read", "file_read", { path: "b.ts" }]],
  );
  // Arguments sent as an object rather than a JSON string.
  assert.deepEqual(
    ends([[{
      index: 0,
      id: "c9",
      function: { name: "x", arguments: { n: 1 } as unknown as string },
    }]]),
    [["c9", "x", { n: 1 }]],
  );
});

Deno.test("an Anthropic tool_use whose input comes whole in its start block, with no deltas, keeps it", () => {
  const c = createAnthropicConverter();
  const parts = [
    { type: "message_start", message: { usage: { input_tokens: 1 } } },
    {
      type: "content_block_start",
      index: 0,
      content_block: { type: "tool_use", id: "t1", name: "file_read", input: { path: "a.ts" } },
    },
    { type: "content_block_stop", index: 0 },
  ].flatMap((e) => c.push(e));
  assert.deepEqual(parts.at(-1), {
    type: "tool-call-end",
    id: "t1",
    name: "file_read",
    input: { path: "a.ts" },
    argsText: '{"path":"a.ts"}',
  });
});

Deno.test("an Anthropic tool_use block left open at message_stop still ends, with its arguments so far", () => {
  const c = createAnthropicConverter();
  for (
    const e of [
      { type: "message_start", message: { usage: { input_tokens: 1 } } },
      {
        type: "content_block_start",
        index: 0,
        content_block: { type: "tool_use", id: "t1", name: "file_write", input: {} },
      },
      {
        type: "content_block_delta",
        index: 0,
        delta: { type: "input_json_delta", partial_json: '{"path":"a' },
      },
      { type: "message_delta", delta: { stop_reason: "max_tokens" }, usage: { output_tokens: 9 } },
      { type: "message_stop" },
    ]
  ) c.push(e);
  const tail = c.end()!;
  assert.deepEqual(tail[0], {
    type: "tool-call-end",
    id: "t1",
    name: "file_write",
    input: undefined,
    argsText: '{"path":"a',
  });
  assert.deepEqual(tail.at(-1), { type: "finish", reason: "length", raw: "max_tokens" });
});

Deno.test("OpenRouter's reasoning details are put together by type and index, encrypted ones kept as they came", () => {
  const converter = createOpenAIConverter();
  const chunk = (delta: Record<string, unknown>, finish?: string) => ({
    choices: [{ delta, finish_reason: finish ?? null }],
  });
  const pieces = [
    { type: "reasoning.text", text: "Check ", format: "anthropic-claude-v1", index: 0 },
    { type: "reasoning.text", text: "the tests.", signature: null, index: 0 },
    { type: "reasoning.text", text: "", signature: "sig-1", index: 0 },
    { type: "reasoning.summary", summary: "Tests ", index: 0 },
    { type: "reasoning.summary", summary: "first.", index: 0 },
    { type: "reasoning.encrypted", data: "opaque-1", id: "c1", index: 1 },
    { type: "reasoning.encrypted", data: "opaque-2", id: "c1", index: 1 },
    { type: "reasoning.text", text: "no index" },
    "not an object",
    null,
  ];
  for (const piece of pieces) converter.push(chunk({ reasoning_details: [piece] }) as never);
  const parts = converter.push(chunk({
    tool_calls: [{ index: 0, id: "c1", function: { name: "file_read", arguments: "{}" } }],
  }, "tool_calls") as never);
  const end = parts.find((p) => p.type === "tool-call-end");
  assert.deepEqual(end?.type === "tool-call-end" && end.providerFields, {
    reasoning_details: [
      {
        type: "reasoning.text",
        text: "Check the tests.",
        format: "anthropic-claude-v1",
        signature: "sig-1",
        index: 0,
      },
      { type: "reasoning.summary", summary: "Tests first.", index: 0 },
      { type: "reasoning.encrypted", data: "opaque-1", id: "c1", index: 1 },
      { type: "reasoning.encrypted", data: "opaque-2", id: "c1", index: 1 },
      { type: "reasoning.text", text: "no index" },
    ],
  });
});

Deno.test("reasoning under either name is kept with the first call, once; OpenRouter's copy of its details is not", () => {
  const reasoningOf = (deltas: Record<string, unknown>[]) => {
    const converter = createOpenAIConverter();
    for (const delta of deltas) converter.push({ choices: [{ delta }] } as never);
    const parts = converter.push({
      choices: [{
        delta: { tool_calls: [{ index: 0, id: "c1", function: { name: "f", arguments: "{}" } }] },
        finish_reason: "tool_calls",
      }],
    });
    const end = parts.find((p) => p.type === "tool-call-end");
    return end?.type === "tool-call-end" ? end.providerFields?.reasoning_content : undefined;
  };
  // DeepSeek and older vLLM.
  assert.equal(
    reasoningOf([{ reasoning_content: "Read " }, { reasoning_content: "it." }]),
    "Read it.",
  );
  // vLLM since it dropped reasoning_content, Ollama, Groq.
  assert.equal(reasoningOf([{ reasoning: "Read " }, { reasoning: "it." }]), "Read it.");
  // A server sending both names in one delta: one copy.
  assert.equal(reasoningOf([{ reasoning_content: "Read it.", reasoning: "Read it." }]), "Read it.");
  // OpenRouter: the text is in its reasoning_details, which go back as they are.
  assert.equal(
    reasoningOf([{
      reasoning: "Read it.",
      reasoning_details: [{ type: "reasoning.text", text: "Read it.", index: 0 }],
    }]),
    undefined,
  );
});
