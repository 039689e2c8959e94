import assert from "node:assert/strict";
import { drain, ofType, openTestAgent } from "./_lib/agent.ts";
import { reply, startFakeLlm } from "./_lib/fake_llm.ts";
import type { PermissionRequest } from "../src/core/mod.ts";

const APP = 'export function greet(name: string) {\n  return "hello " + name;\n}\n';

Deno.test("the agent reads, edits and runs a command through the real tools until its final answer", async () => {
  await using llm = await startFakeLlm();
  const asked: PermissionRequest[] = [];
  await using t = await openTestAgent(llm, {
    files: { "src/app.ts": APP },
    ask: (request) => {
      asked.push(request);
      return Promise.resolve("once");
    },
  });
  llm.enqueue(
    reply.toolCall("file_read", { path: "src/app.ts" }, { text: "Let me look." }),
    reply.toolCall("file_edit", {
      path: "src/app.ts",
      edits: [{ old_string: '"hello "', new_string: '"hi "' }],
    }),
    reply.toolCall("shell", { command: "grep -c hi src/app.ts" }),
    reply.text("Changed the greeting to hi; grep finds it once."),
    reply.text("Shorter greeting"),
  );
  const events = await drain(t.agent.run("Make the greeting say hi"));
  const final = ofType(events, "final")[0];
  assert.equal(final.reason, "final");
  assert.equal(final.text, "Changed the greeting to hi; grep finds it once.");
  assert.equal(final.steps, 4);
  assert.match(await t.project.read("src/app.ts"), /return "hi " \+ name/);
  const ends = ofType(events, "tool-end");
  assert.deepEqual(ends.map((e) => [e.name, e.outcome.isError ?? false]), [
    ["file_read", false],
    ["file_edit", false],
    ["shell", false],
  ]);
  assert.match(ends[2].outcome.text, /^1$/m);
  assert.deepEqual(asked.map((r) => r.kind), ["write", "shell"]);
  assert.equal(ofType(events, "permission-ask").length, 2);
  // The model saw each result: the last request carries three tool results, in order.
  const last = llm.requests[3].body.messages;
  const results = last.flatMap((m: { content: unknown }) =>
    Array.isArray(m.content)
      ? m.content.filter((c: { type: string }) => c.type === "tool_result")
      : []
  );
  assert.equal(results.length, 3);
  assert.match(results[2].content[0]?.text ?? results[2].content, /1/);
  // Everything was written to the session as it happened.
  const id = t.agent.sessionId!;
  const stored = t.agent.store.all(id).map((m) => m.message.role);
  assert.deepEqual(stored, [
    "user",
    "assistant",
    "tool",
    "assistant",
    "tool",
    "assistant",
    "tool",
    "assistant",
  ]);
  assert.deepEqual(t.agent.store.toolCalls(id).map((c) => c.name), [
    "file_read",
    "file_edit",
    "shell",
  ]);
  assert.equal(t.agent.session()?.title, "Shorter greeting");
  assert.equal(t.agent.store.costs(id).total.calls, 5);
});
