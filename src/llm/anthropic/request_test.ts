import assert from "node:assert/strict";
import { lookupModel } from "../catalog.ts";
import { toAnthropicMessages, toAnthropicRequest } from "./request.ts";

const INFO = lookupModel("anthropic:claude-sonnet-4-6");

Deno.test("system messages are hoisted, neighbours of one role merged and empty text dropped", () => {
  const messages = toAnthropicMessages([
    { role: "system", content: "ignored here" },
    { role: "user", content: "a" },
    {
      role: "user",
      content: [{ type: "text", text: "" }, {
        type: "image",
        mediaType: "image/png",
        data: "iVBOR",
      }],
    },
    { role: "assistant", content: "" },
    { role: "assistant", content: [{ type: "text", text: "b" }] },
  ]);
  assert.deepEqual(messages, [
    {
      role: "user",
      content: [
        { type: "text", text: "a" },
        { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBOR" } },
      ],
    },
    { role: "assistant", content: [{ type: "text", text: "b" }] },
  ]);
});

Deno.test("the request uses every system message as a block and defaults max_tokens to 8192", () => {
  const body = toAnthropicRequest({
    messages: [{ role: "system", content: "one" }, { role: "system", content: "two" }, {
      role: "user",
      content: "q",
    }],
    temperature: 0,
  }, INFO);
  assert.deepEqual(body.system, [
    { type: "text", text: "one" },
    { type: "text", text: "two", cache_control: { type: "ephemeral" } },
  ]);
  assert.equal(body.max_tokens, 8192);
  assert.equal("temperature" in body, false);
  assert.equal(body.tools, undefined);
  assert.deepEqual(body.messages, [{
    role: "user",
    content: [{ type: "text", text: "q", cache_control: { type: "ephemeral" } }],
  }]);
});

Deno.test("a failed tool result is sent with is_error", () => {
  const [message] = toAnthropicMessages([
    {
      role: "tool",
      content: [{ type: "tool_result", toolUseId: "t", content: "boom", isError: true }],
    },
  ]);
  assert.deepEqual(message.content, [{
    type: "tool_result",
    tool_use_id: "t",
    content: "boom",
    is_error: true,
  }]);
});

Deno.test("a call id Anthropic would refuse is sent under one stand-in in the call and its result", () => {
  const id = "functions.file_read:0";
  const [call, answer] = toAnthropicMessages([
    { role: "user", content: "read" },
    { role: "assistant", content: [{ type: "tool_use", id, name: "file_read", input: {} }] },
    { role: "tool", content: [{ type: "tool_result", toolUseId: id, content: "A" }] },
  ]).slice(1);
  const sent = (call.content as { id: string }[])[0].id;
  assert.match(sent, /^[A-Za-z0-9_-]+$/);
  assert.equal((answer.content as { tool_use_id: string }[])[0].tool_use_id, sent);
  const kept = toAnthropicMessages([
    { role: "assistant", content: [{ type: "tool_use", id: "call_0_2", name: "x", input: {} }] },
  ]);
  assert.equal((kept[0].content as { id: string }[])[0].id, "call_0_2");
});
