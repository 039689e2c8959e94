import assert from "node:assert/strict";
import { PromptCache } from "./fake_llm_cache.ts";
import { reply, startFakeLlm } from "./fake_llm.ts";

const EPHEMERAL = { type: "ephemeral" };
const text = (t: string, mark = false) => ({
  type: "text",
  text: t,
  ...(mark ? { cache_control: EPHEMERAL } : {}),
});

Deno.test("the fake counts an Anthropic cache read only for a prefix up to a breakpoint sent before", () => {
  const cache = new PromptCache();
  const system = [text("s".repeat(400), true)];
  const first = cache.anthropic({
    model: "m",
    system,
    messages: [{ role: "user", content: [text("q".repeat(40), true)] }],
  });
  assert.equal(first.cacheRead, 0);
  assert.equal(first.input, 0);
  assert.ok(first.cacheWrite > 100);
  const second = cache.anthropic({
    model: "m",
    system,
    messages: [
      { role: "user", content: [text("q".repeat(40))] },
      { role: "assistant", content: [text("a".repeat(40))] },
      { role: "user", content: [text("z".repeat(40), true)] },
    ],
  });
  // Found by looking back from the new last breakpoint to the old one.
  assert.equal(second.cacheRead, first.cacheWrite);
  assert.ok(second.cacheWrite > 0 && second.input === 0);
  const unmarked = cache.anthropic({ model: "m", system: [text("s".repeat(400))], messages: [] });
  assert.equal(unmarked.cacheRead + unmarked.cacheWrite, 0);
  assert.ok(unmarked.input > 100);
  const otherModel = cache.anthropic({ model: "m2", system, messages: [] });
  assert.equal(otherModel.cacheRead, 0);
});

Deno.test("the fake counts OpenAI cached tokens as the longest prefix seen before", () => {
  const cache = new PromptCache();
  const a = { role: "system", content: "x".repeat(400) };
  assert.equal(
    cache.openai({ model: "g", messages: [a, { role: "user", content: "1" }] }).cacheRead,
    0,
  );
  const hit = cache.openai({ model: "g", messages: [a, { role: "user", content: "2" }] });
  assert.ok(hit.cacheRead > 100 && hit.input < 10);
});

Deno.test("the fake records each request body and refuses requests it has no reply for", async () => {
  await using llm = await startFakeLlm({ replies: [reply.text("hi")] });
  const post = (body: unknown) =>
    fetch(`${llm.url}/v1/messages`, { method: "POST", body: JSON.stringify(body) });
  const ok = await post({ model: "m", messages: [{ role: "user", content: "q" }] });
  assert.equal(ok.headers.get("content-type"), "text/event-stream");
  const events = (await ok.text()).split("\n").filter((l) => l.startsWith("event: ")).map((l) =>
    l.slice(7)
  );
  assert.deepEqual(events, [
    "message_start",
    "ping",
    "content_block_start",
    "content_block_delta",
    "content_block_delta",
    "content_block_stop",
    "message_delta",
    "message_stop",
  ]);
  const none = await post({ model: "m", messages: [] });
  assert.equal(none.status, 400);
  assert.match((await none.json()).error.message, /no scripted reply left for request 2/);
  assert.deepEqual(llm.requests.map((r) => r.body.messages.length), [1, 0]);
});
