import assert from "node:assert/strict";
import type { Message } from "../core/mod.ts";
import { Conversation, messageTokenBound, messageTokens, utf8Length } from "./history.ts";

const MESSAGES: Message[] = [
  { role: "user", content: "Read src/app.ts and tell me what answer is." },
  { role: "user", content: "caf\u00e9 \u6f22\u5b57 \ud83d\ude00 lone \ud800 end" },
  { role: "user", content: "<|endoftext|> <|im_start|> special-token text counts as text" },
  {
    role: "assistant",
    content: [
      { type: "text", text: "Reading." },
      { type: "tool_use", id: "t1", name: "file_read", input: { path: "src/\u00e9t\u00e9.ts" } },
    ],
  },
  {
    role: "tool",
    content: [{
      type: "tool_result",
      toolUseId: "t1",
      content: Array.from({ length: 40 }, (_, i) => `${i + 1}: const x${i} = ${i * 7};`).join("\n"),
    }],
  },
  { role: "user", content: [{ type: "image", mediaType: "image/png", data: "iVBOR" }] },
];

Deno.test("utf8Length is at least the UTF-8 byte length of any text", () => {
  for (const text of ["", "abc", "caf\u00e9", "\u6f22\u5b57", "\ud83d\ude00", "a\ud800b"]) {
    assert.ok(utf8Length(text) >= new TextEncoder().encode(text).length, text);
  }
  assert.equal(utf8Length("caf\u00e9 \u6f22"), 9);
});

Deno.test("a message's token bound is never below its exact count", () => {
  for (const message of MESSAGES) {
    assert.ok(messageTokenBound(message) >= messageTokens(message), JSON.stringify(message));
  }
});

Deno.test("exceeds agrees with the exact count on every side of the limit", () => {
  const conversation = new Conversation([], () => 0);
  for (const message of [...MESSAGES, ...MESSAGES]) conversation.append(message);
  const exact = MESSAGES.reduce((n, m) => n + messageTokens(m), 0) * 2;
  for (const limit of [0, exact - 1, exact, exact + 1, exact * 10]) {
    const fresh = new Conversation([], () => 0);
    for (const message of [...MESSAGES, ...MESSAGES]) fresh.append(message);
    assert.equal(fresh.exceeds(limit), exact > limit, `limit ${limit}`);
    assert.equal(fresh.tokens(), exact);
  }
  assert.equal(conversation.tokens(), exact);
  assert.equal(conversation.entry(4).tokens, messageTokens(MESSAGES[4]));
});

Deno.test("after a summary replaces the oldest messages the totals are those of what is left", () => {
  const seqs: number[] = [];
  const conversation = new Conversation([], () => seqs.push(seqs.length + 1));
  for (const message of MESSAGES) conversation.append(message);
  conversation.exceeds(0);
  const summary: Message = { role: "user", content: "Summary of the first three messages." };
  conversation.replacePrefix(3, summary, 99);
  const left = [summary, ...MESSAGES.slice(3)];
  assert.equal(conversation.tokens(), left.reduce((n, m) => n + messageTokens(m), 0));
  assert.deepEqual(conversation.messages(), left);
  assert.equal(conversation.entry(0).seq, 99);
  assert.equal(conversation.entry(1).seq, 4);
});

Deno.test("reasoning that goes back with a tool call counts toward the message's tokens", () => {
  const call = (providerFields?: Record<string, unknown>): Message => ({
    role: "assistant",
    content: [{ type: "tool_use", id: "c1", name: "file_read", input: {}, providerFields }],
  });
  const reasoning = "Let me read the file before I change anything in it. ".repeat(40);
  const bare = messageTokens(call());
  const withReasoning = messageTokens(call({ reasoning_content: reasoning }));
  assert.ok(withReasoning - bare >= 400, `${bare} → ${withReasoning}`);
  assert.ok(messageTokenBound(call({ reasoning_content: reasoning })) >= withReasoning);
});
