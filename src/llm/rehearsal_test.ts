import assert from "node:assert/strict";
import type { ModelRequest, StreamPart } from "../core/mod.ts";
import { collect } from "../../tests/_lib/fake_llm.ts";
import { createModel } from "./mod.ts";

const TOOLS = [{
  name: "probe",
  description: "A probe.",
  inputSchema: { type: "object", properties: {} },
}];

const text = (ps: StreamPart[]) => ps.map((p) => p.type === "text-delta" ? p.text : "").join("");

for (
  const [id, env] of [
    ["anthropic:claude-sonnet-4-6", { ANTHROPIC_API_KEY: "k" }],
    ["openai:gpt-5", { OPENAI_API_KEY: "k" }],
    ["ollama:qwen3:8b", {}],
  ] as const
) {
  Deno.test(`${id}: its rehearsal runs its adapter on a scripted reply, sending nothing`, async () => {
    // The model's own fetch fails every call: a rehearsal must not go near it.
    const sent: string[] = [];
    const model = createModel(id, {
      env,
      retry: { maxRetries: 0 },
      fetch: (input) => {
        sent.push(String(input));
        return Promise.reject(new Error("no network in a rehearsal"));
      },
    });
    const rehearsal = model.rehearsal!();
    assert.equal(rehearsal.info, model.info);

    const ask: ModelRequest = {
      messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Look." }],
      tools: TOOLS,
    };
    const first = await collect(rehearsal, ask);
    assert.deepEqual(first.filter((p) => p.type === "error"), []);
    const end = first.find((p) => p.type === "tool-call-end");
    assert.ok(end && end.type === "tool-call-end");
    assert.equal(end.name, "probe");
    assert.deepEqual(end.input, {});
    assert.equal(text(first), "Rehearsing a tool call.");
    const finish = first.find((p) => p.type === "finish");
    assert.equal(finish?.type === "finish" && finish.reason, "tool_calls");
    const usage = first.find((p) => p.type === "usage");
    assert.ok(usage?.type === "usage" && usage.usage.input > 0);

    const answered = await collect(rehearsal, {
      ...ask,
      messages: [
        ...ask.messages,
        {
          role: "assistant",
          content: [{ type: "tool_use", id: end.id, name: "probe", input: {} }],
        },
        { role: "tool", content: [{ type: "tool_result", toolUseId: end.id, content: "found" }] },
      ],
    });
    assert.equal(text(answered), "Rehearsed: the result is in.");
    assert.equal(answered.some((p) => p.type === "tool-call-start"), false);
    assert.deepEqual(sent, []);

    // The model itself still goes through its own fetch.
    const real = await collect(model, ask);
    assert.equal(real.at(-1)?.type, "error");
    assert.equal(sent.length, 1);
  });
}
