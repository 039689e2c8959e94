import assert from "node:assert/strict";
import {
  createSubAgentRunner,
  startSubAgentWorker,
  subAgentEnv,
  subAgentPermissions,
} from "../src/agent/mod.ts";
import { defaultConfig, emptyRules, type ProjectRules } from "../src/config/mod.ts";
import type { Usage } from "../src/core/mod.ts";
import { costOf, lookupModel } from "../src/llm/mod.ts";
import type { Tool } from "../src/tools/define.ts";
import { createSubAgentTool } from "../src/tools/sub_agent.ts";
import { drain, FIXED_CLOCK, ofType, openTestAgent } from "./_lib/agent.ts";
import { type FakeReply, type RecordedRequest, reply, startFakeLlm } from "./_lib/fake_llm.ts";
import { createTempProject } from "./_lib/project.ts";

const firstText = (request: RecordedRequest): string =>
  JSON.stringify(request.body.messages[0] ?? "");
const hasResults = (request: RecordedRequest) =>
  JSON.stringify(request.body.messages).includes("tool_result");

Deno.test("sub_agent runs read-only investigations in Workers, two at once, and returns their reports", async () => {
  const main: FakeReply[] = [
    reply.toolCalls([
      { name: "sub_agent", input: { task: "task A: what does a.txt say?" } },
      { name: "sub_agent", input: { task: "task B: what does b.txt say?" } },
    ]),
    reply.text("a.txt says alpha and b.txt says beta."),
    reply.text("Two files"),
  ];
  const subModels = new Set<string>();
  await using llm = await startFakeLlm({
    fallback: (request) => {
      const tools = (request.body.tools ?? []).map((t: { name: string }) => t.name);
      if (tools.includes("sub_agent") || !request.body.tools) return main.shift()!;
      subModels.add(request.body.model);
      assert.deepEqual(tools.sort(), [
        "content_search",
        "directory_list",
        "file_read",
        "file_search",
      ]);
      const file = firstText(request).includes("task A") ? "a.txt" : "b.txt";
      return hasResults(request)
        ? reply.text(`Report: ${file} says ${file === "a.txt" ? "alpha" : "beta"} (line 1).`)
        : reply.toolCall("file_read", { path: file });
    },
  });
  await using t = await openTestAgent(llm, { files: { "a.txt": "alpha\n", "b.txt": "beta\n" } });
  const usages: Usage[] = [];
  const runner = createSubAgentRunner({
    root: t.project.root,
    modelId: "anthropic:claude-haiku-4-5",
    env: llm.env(),
    config: t.config,
    rules: emptyRules(),
    clock: FIXED_CLOCK,
    onUsage: (usage) => usages.push(usage),
  });
  (t.host.tools as Map<string, Tool>).set("sub_agent", createSubAgentTool(runner));
  const agent = await t.reopen();
  const events = await drain(agent.run("what do a.txt and b.txt say?"));
  const ends = ofType(events, "tool-end");
  assert.deepEqual(ends.map((e) => e.outcome.text).sort(), [
    "Report: a.txt says alpha (line 1).",
    "Report: b.txt says beta (line 1).",
  ]);
  assert.deepEqual([...subModels], ["claude-haiku-4-5"]);
  assert.equal(usages.length, 2);
  assert.ok(usages.every((u) => u.output > 0));
  assert.equal(ofType(events, "final")[0].text, "a.txt says alpha and b.txt says beta.");
  // The sub-agents' calls are on the parent session's bill, under their own role and model.
  const served = llm.requests.filter((r) => r.body.model === "claude-haiku-4-5" && r.body.tools)
    .map((r) => r.usage!);
  assert.equal(served.length, 4);
  const costs = agent.costs()!;
  const sub = costs.byRole.sub_agent;
  assert.equal(sub.calls, 2, "one row per sub-agent");
  assert.equal(sub.input, served.reduce((n, u) => n + u.input, 0));
  assert.equal(sub.output, served.reduce((n, u) => n + u.output, 0));
  assert.equal(sub.cacheRead, served.reduce((n, u) => n + u.cacheRead, 0));
  const haiku = lookupModel("anthropic:claude-haiku-4-5");
  const expected = usages.reduce((n, u) => n + costOf(u, haiku), 0);
  assert.ok(Math.abs(sub.costUsd - expected) < 1e-12);
  assert.deepEqual(costs.byModel["anthropic:claude-haiku-4-5"].calls, 3, "two sub-agents, a title");
  const usageEvents = ofType(events, "usage");
  assert.equal(usageEvents.filter((e) => e.role === "sub_agent").length, 2);
  assert.ok(Math.abs(usageEvents.at(-1)!.sessionCostUsd - costs.total.costUsd) < 1e-12);
});

Deno.test("a sub-agent that tries to write cannot: the tool is not there, and nothing lands on disk", async () => {
  await using llm = await startFakeLlm({
    fallback: (request) =>
      hasResults(request)
        ? reply.text("I was not able to write.")
        : reply.toolCall("file_write", { path: "evil.txt", content: "pwned" }),
  });
  await using project = await createTempProject({ "a.txt": "alpha\n" });
  const runner = createSubAgentRunner({
    root: project.root,
    modelId: "anthropic:claude-haiku-4-5",
    env: llm.env(),
    config: {
      ...defaultConfig(),
      permissions: { ...defaultConfig().permissions, auto_approve: true },
    },
    rules: emptyRules(),
  });
  const report = await runner("write evil.txt", { signal: new AbortController().signal });
  assert.equal(report.text, "I was not able to write.");
  const result = JSON.stringify(llm.requests[1].body.messages.at(-1));
  assert.match(result, /Cannot run \\"file_write\\": it is not available here/);
  await assert.rejects(() => Deno.stat(project.path("evil.txt")), Deno.errors.NotFound);
});

Deno.test("even handed a write tool that the rules allow, a sub-agent's Worker cannot write", async () => {
  await using llm = await startFakeLlm({
    fallback: (request) =>
      hasResults(request)
        ? reply.text("done")
        : reply.toolCall("file_write", { path: "evil.txt", content: "pwned" }),
  });
  await using project = await createTempProject({ "a.txt": "alpha\n" });
  const config = defaultConfig();
  config.permissions.allow = ["file_write"];
  const done = await startSubAgentWorker({
    type: "start",
    root: project.root,
    task: "write evil.txt",
    modelId: "anthropic:claude-haiku-4-5",
    env: { ANTHROPIC_API_KEY: "sk-ant-fake", ANTHROPIC_BASE_URL: llm.url },
    config,
    rules: emptyRules(),
    tools: ["file_write"],
    maxSteps: 3,
    maxTokens: 100_000,
    now: FIXED_CLOCK.now(),
    os: "linux",
  }, { net: [new URL(llm.url).host] });
  assert.equal(done.stopped, "final");
  const result = JSON.stringify(llm.requests[1].body.messages.at(-1));
  // The rules said yes; Deno said no (NotCapable, reported by the tool as a permission error).
  assert.match(result, /Cannot write \\"evil.txt\\": permission denied/);
  await assert.rejects(() => Deno.stat(project.path("evil.txt")), Deno.errors.NotFound);
});

Deno.test("a sub-agent stops at its step limit and says so", async () => {
  await using llm = await startFakeLlm({
    fallback: () => reply.toolCall("directory_list", {}, { text: "Still looking." }),
  });
  await using project = await createTempProject({ "a.txt": "alpha\n" });
  const tool = createSubAgentTool(createSubAgentRunner({
    root: project.root,
    modelId: "anthropic:claude-haiku-4-5",
    env: llm.env(),
    config: defaultConfig(),
    rules: emptyRules(),
  }));
  const { createTestContext } = await import("./_lib/context.ts");
  const result = await tool.run(
    { task: "look forever", max_steps: 2 },
    await createTestContext(project.root),
  );
  assert.equal(llm.requests.length, 2);
  assert.match(result.text, /^Still looking\./);
  assert.match(result.text, /stopped at its step limit after 2 steps/);
});

Deno.test("a sub-agent is handed its own model's key and base URL, and no other variable", () => {
  const env = {
    ANTHROPIC_API_KEY: "sk-ant-1",
    OPENAI_API_KEY: "sk-oa-2",
    GROQ_API_KEY: "gsk-3",
    HOME: "/home/me",
    AWS_SECRET_ACCESS_KEY: "aws-4",
  };
  const config = defaultConfig();
  assert.deepEqual(subAgentEnv("anthropic:claude-haiku-4-5", env, config), {
    env: { ANTHROPIC_API_KEY: "sk-ant-1", ANTHROPIC_BASE_URL: "https://api.anthropic.com" },
    host: "api.anthropic.com",
  });
  assert.deepEqual(subAgentEnv("openai:gpt-5-mini", env, config).env, {
    OPENAI_API_KEY: "sk-oa-2",
    OPENAI_BASE_URL: "https://api.openai.com/v1",
  });
  assert.deepEqual(subAgentEnv("groq:llama-3.3-70b-versatile", env, config), {
    env: { GROQ_API_KEY: "gsk-3" },
    host: "api.groq.com",
  });
  // Behind a gateway, its token and address, and not the Anthropic key.
  const gateway = {
    ...env,
    ANTHROPIC_AUTH_TOKEN: "gw-5",
    ANTHROPIC_BASE_URL: "https://gw.example/anthropic",
  };
  assert.deepEqual(subAgentEnv("anthropic:claude-haiku-4-5", gateway, config), {
    env: { ANTHROPIC_AUTH_TOKEN: "gw-5", ANTHROPIC_BASE_URL: "https://gw.example/anthropic" },
    host: "gw.example",
  });
});

Deno.test("a Worker with a sub-agent's permissions can read no variable and write nothing", async () => {
  await using project = await createTempProject({ "a.txt": "alpha\n" });
  const worker = new Worker(new URL("./agent_sub_agent_probe.ts", import.meta.url), {
    type: "module",
    deno: { permissions: subAgentPermissions(project.root, []) },
  } as WorkerOptions);
  try {
    const seen = await new Promise<Record<string, { ok: boolean; value: string }>>((resolve) => {
      worker.onmessage = (event) => resolve(event.data);
      worker.postMessage({ root: project.root });
    });
    assert.deepEqual(seen.get, { ok: false, value: "NotCapable" });
    assert.deepEqual(seen.all, { ok: false, value: "NotCapable" });
    assert.deepEqual(seen.node, { ok: false, value: "NotCapable" });
    assert.equal(seen.write.ok, false);
  } finally {
    worker.terminate();
  }
  await assert.rejects(() => Deno.stat(project.path("leak.txt")), Deno.errors.NotFound);
});

Deno.test("the SDK inside a sub-agent sees none of the parent's variables, only the key it was sent", async () => {
  await using llm = await startFakeLlm({ fallback: () => reply.text("Nothing to report.") });
  await using project = await createTempProject({ "a.txt": "alpha\n" });
  // Variables the Anthropic SDK would pick up if it could read the process environment.
  const planted = {
    ANTHROPIC_CUSTOM_HEADERS: "X-Loom-Canary: planted-header",
    ANTHROPIC_AUTH_TOKEN: "planted-token",
  };
  for (const [name, value] of Object.entries(planted)) Deno.env.set(name, value);
  try {
    const runner = createSubAgentRunner({
      root: project.root,
      modelId: "anthropic:claude-haiku-4-5",
      env: llm.env(),
      config: defaultConfig(),
      rules: emptyRules(),
    });
    const report = await runner("say so", { signal: new AbortController().signal });
    assert.equal(report.text, "Nothing to report.");
  } finally {
    for (const name of Object.keys(planted)) Deno.env.delete(name);
  }
  const sent = JSON.stringify(llm.requests.map((r) => r.headers));
  assert.doesNotMatch(sent, /planted/);
  assert.equal(llm.requests[0].headers["authorization"], "Bearer sk-ant-fake");
});

Deno.test("a sub-agent's searches take globs, and its read rules hold, in its Worker", async () => {
  // The glob engine used to load on first use by reading Loom's node_modules, which a Worker
  // that may read only the project cannot: every glob in a sub-agent ended in an internal error.
  // Each run is a new Worker, with one call that needs a glob RE2 runs (two stars in one part)
  // first; simpler globs run on V8's RegExp and load nothing.
  const runs: [ProjectRules, { name: string; input: Record<string, unknown> }, RegExp][] = [
    [
      emptyRules(),
      { name: "content_search", input: { pattern: "alpha", glob: "*e*.txt" } },
      /^secret\.txt$/,
    ],
    [
      emptyRules(),
      { name: "file_search", input: { pattern: "*c*.{txt,md}", path: "docs" } },
      /^docs\/c\.md$/,
    ],
    [
      { ...emptyRules(), fileReadDenied: ["s*c*t*"] },
      { name: "file_read", input: { path: "secret.txt" } },
      /denied: file_read "secret\.txt" matches deny rule File Read Denied: s\*c\*t\*/,
    ],
  ];
  let call = runs[0][1];
  const seen = { result: "" };
  await using llm = await startFakeLlm({
    fallback: (request) => {
      const tools = (request.body.tools ?? []).map((t: { name: string }) => t.name);
      if (!request.body.tools) return reply.text("Searching");
      if (tools.includes("sub_agent")) {
        return hasResults(request)
          ? reply.text("Done.")
          : reply.toolCall("sub_agent", { task: "look for alpha" });
      }
      if (!hasResults(request)) return reply.toolCall(call.name, call.input);
      seen.result = request.body.messages.at(-1).content[0].content;
      return reply.text("Report: done.");
    },
  });
  await using t = await openTestAgent(llm, {
    files: {
      "a.txt": "alpha\n",
      "b.txt": "beta\n",
      "secret.txt": "alpha key\n",
      "docs/c.md": "x\n",
    },
  });
  for (const [rules, tool, expected] of runs) {
    call = tool;
    seen.result = "";
    const runner = createSubAgentRunner({
      root: t.project.root,
      modelId: "anthropic:claude-haiku-4-5",
      env: llm.env(),
      config: t.config,
      rules,
      clock: FIXED_CLOCK,
      onUsage: () => {},
    });
    (t.host.tools as Map<string, Tool>).set("sub_agent", createSubAgentTool(runner));
    const agent = await t.reopen();
    const events = await drain(agent.run("look for alpha"));
    assert.deepEqual(ofType(events, "tool-end").map((e) => e.outcome.text), ["Report: done."]);
    assert.match(seen.result, expected, `${tool.name}: ${seen.result}`);
  }
});
