import assert from "node:assert/strict";
import { isLoomError } from "../core/mod.ts";
import { createTestContext } from "../../tests/_lib/context.ts";
import { createTempProject } from "../../tests/_lib/project.ts";
import { createToolRegistry } from "./registry.ts";
import { createSubAgentTool, type SubAgentReport, type SubAgentRunner } from "./sub_agent.ts";

/** Records each task and answers with a fixed report. */
class FakeSubAgent {
  calls: { task: string; maxSteps?: number }[] = [];
  constructor(readonly report: SubAgentReport) {}
  runner: SubAgentRunner = (task, options) => {
    this.calls.push({ task, maxSteps: options.maxSteps });
    return Promise.resolve(this.report);
  };
}

Deno.test("sub_agent hands the task and step limit to the runner and returns its report", async () => {
  await using project = await createTempProject();
  const fake = new FakeSubAgent({ text: "Found it in src/a.ts:3.", steps: 2, stopped: "final" });
  const tool = createSubAgentTool(fake.runner);
  const ctx = await createTestContext(project.root);
  const result = await tool.run({ task: "where is x defined?", max_steps: 5 }, ctx);
  assert.deepEqual(fake.calls, [{ task: "where is x defined?", maxSteps: 5 }]);
  assert.equal(result.text, "Found it in src/a.ts:3.");
  assert.deepEqual(result.structured, { steps: 2, stopped: "final" });
  assert.equal(tool.annotations.readOnlyHint, true);
  assert.deepEqual(await tool.permission({ task: "x" }, ctx), {
    kind: "read",
    tool: "sub_agent",
    paths: [],
  });
});

Deno.test("sub_agent says when a limit cut the report short, or when there is none", async () => {
  await using project = await createTempProject();
  const ctx = await createTestContext(project.root);
  const limited = createSubAgentTool(
    new FakeSubAgent({ text: "Partial.", steps: 12, stopped: "token_limit" }).runner,
  );
  assert.match(
    (await limited.run({ task: "t" }, ctx)).text,
    /Partial\.\n\n\[The sub-agent stopped at its token limit after 12 steps/,
  );
  const silent = createSubAgentTool(
    new FakeSubAgent({ text: " ", steps: 3, stopped: "final" }).runner,
  );
  assert.equal(
    (await silent.run({ task: "t" }, ctx)).text,
    "The sub-agent made 3 steps and wrote no report",
  );
});

Deno.test("sub_agent does not start a sub-agent once the call is cancelled", async () => {
  await using project = await createTempProject();
  const controller = new AbortController();
  controller.abort();
  const fake = new FakeSubAgent({ text: "x", steps: 1, stopped: "final" });
  const ctx = await createTestContext(project.root, { signal: controller.signal });
  await assert.rejects(
    () => createSubAgentTool(fake.runner).run({ task: "t" }, ctx),
    (e) => isLoomError(e, "CANCELLED"),
  );
  assert.equal(fake.calls.length, 0);
});

Deno.test("the registry lists sub_agent only when a runner is supplied", () => {
  const fake = new FakeSubAgent({ text: "x", steps: 1, stopped: "final" });
  assert.equal(createToolRegistry({ rgPath: null }).has("sub_agent"), false);
  const tools = createToolRegistry({ rgPath: null, subAgent: fake.runner });
  assert.equal([...tools.keys()].at(-1), "sub_agent");
});

Deno.test("sub_agent passes on what the sub-agent spent, for the parent's cost ledger", async () => {
  await using project = await createTempProject();
  const usage = { input: 10, output: 20, cacheRead: 30, cacheWrite: 40 };
  const fake = new FakeSubAgent({
    text: "Done.",
    steps: 2,
    stopped: "final",
    spent: { model: "anthropic:claude-haiku-4-5", usage, costUsd: 0.5 },
  });
  const tool = createSubAgentTool(fake.runner);
  const result = await tool.run({ task: "t" }, await createTestContext(project.root));
  assert.deepEqual(result.structured, {
    steps: 2,
    stopped: "final",
    model: "anthropic:claude-haiku-4-5",
    usage,
    costUsd: 0.5,
  });
  assert.equal(tool.output!.safeParse(result.structured).success, true);
});
