import assert from "node:assert/strict";
import type { Message, ModelRequest, ToolDefinition } from "../../core/mod.ts";
import { lookupModel } from "../catalog.ts";
import { AnthropicEncoder } from "./encode.ts";
import { toAnthropicRequest } from "./request.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

const INFO = lookupModel("anthropic:claude-sonnet-4-6");
const TOOLS: ToolDefinition[] = [
  { name: "file_read", description: "Read a file", inputSchema: { type: "object" } },
  { name: "shell", description: 'Run "it"', inputSchema: { type: "object", properties: {} } },
];
const use = (id: string): Message => ({
  role: "assistant",
  content: [
    { type: "text", text: "Reading." },
    { type: "tool_use", id, name: "file_read", input: { path: "a\u00e9.ts" } },
  ],
});
const result = (id: string, isError = false): Message => ({
  role: "tool",
  content: [{ type: "tool_result", toolUseId: id, content: `1: x\n2: "y" ${id}`, isError }],
});

const CASES: [string, ModelRequest][] = [
  ["an empty conversation", { messages: [] }],
  ["a system prompt only", { messages: [{ role: "system", content: "You are Loom." }] }],
  ["two system messages and tools", {
    messages: [
      { role: "system", content: "one" },
      { role: "system", content: "" },
      { role: "system", content: "two" },
      { role: "user", content: "hi" },
    ],
    tools: TOOLS,
    maxTokens: 1000,
  }],
  ["tool calls, results merged with the next user turn, errors and images", {
    messages: [
      { role: "system", content: "sys \u2603 \ud83d\ude00" },
      { role: "user", content: "read a" },
      use("t1"),
      result("t1"),
      { role: "user", content: "and again" },
      use("t2"),
      result("t2", true),
      {
        role: "user",
        content: [{ type: "text", text: "" }, {
          type: "image",
          mediaType: "image/png",
          data: "iVB",
        }],
      },
      { role: "assistant", content: "" },
      { role: "assistant", content: [{ type: "text", text: "done" }] },
    ],
    tools: TOOLS,
  }],
  ["no user turn before the last message", {
    messages: [{ role: "assistant", content: "a" }, { role: "assistant", content: "b" }],
  }],
];

for (const [name, request] of CASES) {
  Deno.test(`the encoder writes the bytes of JSON.stringify(toAnthropicRequest) writes: ${name}`, () => {
    const encoder = new AnthropicEncoder();
    const expected = JSON.stringify(toAnthropicRequest(request, INFO));
    assert.equal(text(encoder.encode(request, INFO)), expected);
    assert.equal(text(encoder.encode(request, INFO)), expected, "and again from its cache");
  });
}

Deno.test("the encoder stays exact while a conversation grows: breakpoints move, cached JSON does not keep them", () => {
  const encoder = new AnthropicEncoder();
  const messages: Message[] = [{ role: "system", content: "You are Loom." }];
  const steps: Message[] = [
    { role: "user", content: "first" },
    use("t1"),
    result("t1"),
    { role: "assistant", content: "ok" },
    { role: "user", content: "second" },
    use("t2"),
    result("t2"),
    { role: "user", content: "merged into the results" },
    { role: "assistant", content: "end" },
  ];
  for (const message of steps) {
    messages.push(message);
    const request: ModelRequest = { messages: [...messages], tools: TOOLS };
    const body = text(encoder.encode(request, INFO));
    assert.equal(body, JSON.stringify(toAnthropicRequest(request, INFO)));
    assert.equal(body.split('"cache_control"').length - 1 <= 4, true, "at most four breakpoints");
  }
});

Deno.test("the encoder follows a changed system prompt and a changed tool list", () => {
  const encoder = new AnthropicEncoder();
  const one: ModelRequest = { messages: [{ role: "system", content: "v1" }], tools: TOOLS };
  const two: ModelRequest = {
    messages: [{ role: "system", content: "v2" }, { role: "user", content: "x" }],
    tools: TOOLS.slice(0, 1),
  };
  for (const request of [one, two, one]) {
    assert.equal(
      text(encoder.encode(request, INFO)),
      JSON.stringify(toAnthropicRequest(request, INFO)),
    );
  }
});
