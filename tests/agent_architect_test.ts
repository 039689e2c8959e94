import assert from "node:assert/strict";
import { costOf, lookupModel } from "../src/llm/mod.ts";
import { drain, ofType, openTestAgent } from "./_lib/agent.ts";
import { reply, startFakeLlm } from "./_lib/fake_llm.ts";

const APP = "export const limit = 10;\n";

Deno.test("architect/editor: one model plans in prose, the other edits, each turn shown and costed apart", async () => {
  await using llm = await startFakeLlm();
  await using t = await openTestAgent(llm, {
    files: { "src/app.ts": APP },
    ask: () => Promise.resolve("once"),
  });
  const agent = await t.reopen({
    architectModel: t.model("anthropic:claude-opus-4-6"),
    editorModel: t.model("anthropic:claude-haiku-4-5"),
  });
  llm.enqueue(
    reply.toolCall("file_read", { path: "src/app.ts" }),
    reply.text("Plan: in src/app.ts change the limit from 10 to 20; nothing else changes."),
    reply.toolCall("file_edit", {
      path: "src/app.ts",
      edits: [{ old_string: "limit = 10", new_string: "limit = 20" }],
    }),
    reply.text("Raised the limit to 20."),
    reply.text("Raise the limit"),
  );
  const events = await drain(agent.run("raise the limit to 20", { mode: "architect" }));
  assert.equal(await t.project.read("src/app.ts"), "export const limit = 20;\n");
  assert.deepEqual(ofType(events, "step").map((e) => [e.step, e.role, e.model]), [
    [1, "architect", "anthropic:claude-opus-4-6"],
    [2, "architect", "anthropic:claude-opus-4-6"],
    [3, "editor", "anthropic:claude-haiku-4-5"],
    [4, "editor", "anthropic:claude-haiku-4-5"],
  ]);
  const final = ofType(events, "final")[0];
  assert.equal(final.text, "Raised the limit to 20.");
  // The architect could only look; the editor got every tool and the plan.
  const [architect, , editor] = llm.requests;
  assert.equal(architect.body.model, "claude-opus-4-6");
  const architectTools = architect.body.tools.map((tool: { name: string }) => tool.name);
  assert.ok(architectTools.includes("file_read") && !architectTools.includes("file_edit"));
  assert.match(JSON.stringify(architect.body.system), /Your role: architect/);
  assert.equal(editor.body.model, "claude-haiku-4-5");
  assert.ok(editor.body.tools.some((tool: { name: string }) => tool.name === "file_edit"));
  assert.match(JSON.stringify(editor.body.messages), /Plan: in src\/app.ts change the limit/);
  // Each loop sends its own system prompt over the one conversation.
  assert.match(JSON.stringify(editor.body.system), /Your role: editor/);
  assert.doesNotMatch(JSON.stringify(editor.body.system), /Your role: architect/);
  // Visible text came from both, tagged by role.
  const roles = new Set(ofType(events, "text-delta").map((e) => e.role));
  assert.deepEqual([...roles].sort(), ["architect", "editor"]);
  const stored = agent.store.all(agent.sessionId!).map((m) => m.agentRole);
  assert.deepEqual(stored, [
    "architect",
    "architect",
    "architect",
    "architect",
    "editor",
    "editor",
    "editor",
    "editor",
  ]);
  // Costed separately, at each model's prices.
  const costs = agent.costs()!;
  assert.equal(costs.byRole.architect.calls, 2);
  assert.equal(costs.byRole.editor.calls, 2);
  const priced = (i: number, id: string) => {
    const u = llm.requests[i].usage!;
    return costOf({
      input: u.input,
      output: u.output,
      cacheRead: u.cacheRead,
      cacheWrite: u.cacheWrite,
    }, lookupModel(id));
  };
  const architectCost = priced(0, "anthropic:claude-opus-4-6") +
    priced(1, "anthropic:claude-opus-4-6");
  assert.ok(Math.abs(costs.byRole.architect.costUsd - architectCost) < 1e-9);
  const editorCost = priced(2, "anthropic:claude-haiku-4-5") +
    priced(3, "anthropic:claude-haiku-4-5");
  assert.ok(Math.abs(costs.byRole.editor.costUsd - editorCost) < 1e-9);
  assert.equal(costs.byModel["anthropic:claude-opus-4-6"].calls, 2);

  // A plain run after it sends the plain system prompt again, with the whole conversation.
  llm.enqueue(reply.text("It is 20 now."));
  await drain(agent.run("what is the limit now?"));
  const plain = llm.requests.at(-1)!;
  assert.doesNotMatch(JSON.stringify(plain.body.system), /Your role/);
  assert.match(
    JSON.stringify(plain.body.messages),
    /Raised the limit to 20\..*what is the limit now/,
  );
});
