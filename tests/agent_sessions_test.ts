import assert from "node:assert/strict";
import { z } from "zod";
import { openAgentDatabase } from "../src/agent/mod.ts";
import { createModel, lookupModel } from "../src/llm/mod.ts";
import { defineTool, type Tool } from "../src/tools/define.ts";
import { costOf } from "../src/llm/mod.ts";
import { drain, journalText, ofType, openTestAgent, probeAnnotations } from "./_lib/agent.ts";
import { reply, startFakeLlm, unlessRefused } from "./_lib/fake_llm.ts";
import { anthropicFrames } from "./_lib/fake_llm_wire.ts";
import { holdSession } from "./_lib/session_holder.ts";
import { leaseDir, releaseSession } from "../src/agent/session_lease.ts";

// deno-lint-ignore no-explicit-any
const strip = (value: any): any =>
  JSON.parse(JSON.stringify(value, (k, v) => (k === "cache_control" ? undefined : v)));

Deno.test("sessions resume by id, continue the latest and fork, with a generated title", async () => {
  await using llm = await startFakeLlm();
  await using t = await openTestAgent(llm, { files: { "a.txt": "alpha\n" } });
  llm.enqueue(reply.text("Hello!"), reply.text("Greeting the assistant"));
  const first = await drain(t.agent.run("hi there"));
  assert.deepEqual(ofType(first, "title").map((e) => e.title), ["Greeting the assistant"]);
  assert.match(llm.requests[1].body.system[0].text, /at most six words/);
  const id = t.agent.sessionId!;

  const resumed = await t.reopen({ session: { resume: id.slice(0, 8) } });
  assert.equal(resumed.sessionId, id);
  assert.deepEqual(resumed.messages(), t.agent.messages());
  llm.enqueue(reply.text("Still here."));
  const second = await drain(resumed.run("are you there?"));
  assert.equal(ofType(second, "title").length, 0, "a titled session keeps its title");
  assert.deepEqual(ofType(second, "session")[0], { type: "session", sessionId: id, resumed: true });
  const sent = llm.requests[2].body.messages.map((m: { content: { text: string }[] }) =>
    m.content[0].text
  );
  assert.deepEqual(sent, ["hi there", "Hello!", "are you there?"]);

  const latest = await t.reopen({ session: { continueLatest: true } });
  assert.equal(latest.sessionId, id);
  assert.equal(latest.messages().length, 4);

  const fork = t.agent.store.fork(id, { uptoSeq: 2 });
  assert.equal(fork.parentId, id);
  assert.equal(fork.title, "Greeting the assistant (fork)");
  const forked = await t.reopen({ session: { resume: fork.id } });
  assert.deepEqual(forked.messages().map((m) => m.content), ["hi there", [{
    type: "text",
    text: "Hello!",
  }]]);
  llm.enqueue(reply.text("Forked answer."));
  await drain(forked.run("take the other path"));
  assert.equal(t.agent.store.live(id).length, 4, "the original is untouched by its fork");
  assert.deepEqual(t.agent.store.list().map((s) => s.id).sort(), [id, fork.id].sort());
});

Deno.test("costs per call, session and model match the catalog's prices", async () => {
  await using llm = await startFakeLlm();
  await using t = await openTestAgent(llm, { files: { "a.txt": "alpha\n" } });
  llm.enqueue(
    reply.toolCall("file_read", { path: "a.txt" }),
    reply.text("It says alpha."),
    reply.text("Reading a"),
  );
  const events = await drain(t.agent.run("what does a.txt say?"));
  const usageEvents = ofType(events, "usage");
  assert.deepEqual(usageEvents.map((e) => [e.role, e.model]), [
    ["main", "anthropic:claude-sonnet-4-6"],
    ["main", "anthropic:claude-sonnet-4-6"],
    ["title", "anthropic:claude-haiku-4-5"],
  ]);
  let expected = 0;
  llm.requests.forEach((request, i) => {
    const served = request.usage!;
    const usage = {
      input: served.input,
      output: served.output,
      cacheRead: served.cacheRead,
      cacheWrite: served.cacheWrite,
    };
    assert.deepEqual(usageEvents[i].usage, usage);
    const cost = costOf(usage, lookupModel(usageEvents[i].model));
    assert.ok(Math.abs(usageEvents[i].costUsd - cost) < 1e-12);
    expected += cost;
  });
  assert.ok(expected > 0);
  const costs = t.agent.costs()!;
  assert.ok(Math.abs(costs.total.costUsd - expected) < 1e-9);
  assert.equal(costs.total.calls, 3);
  assert.equal(costs.byModel["anthropic:claude-haiku-4-5"].calls, 1);
  assert.equal(costs.byRole.main.calls, 2);
  assert.ok(Math.abs(usageEvents.at(-1)!.sessionCostUsd - expected) < 1e-9);
  assert.equal(t.agent.store.costsByModel()["anthropic:claude-sonnet-4-6"].calls, 2);
});

Deno.test("the prompt prefix stays byte-identical between turns, so later calls read it from the cache", async () => {
  await using llm = await startFakeLlm();
  await using t = await openTestAgent(llm, { files: { "a.txt": "alpha\n", "b.txt": "beta\n" } });
  llm.enqueue(
    reply.toolCall("file_read", { path: "a.txt" }),
    reply.text("alpha"),
    reply.text("Title"),
  );
  await drain(t.agent.run("read a"));
  for (const name of ["b.txt", "a.txt"]) {
    llm.enqueue(reply.toolCall("file_read", { path: name }), reply.text("read it"));
    await drain(t.agent.run(`read ${name}`));
  }
  const main = llm.requests.filter((r) => r.body.tools);
  for (let i = 1; i < main.length; i++) {
    const before = strip(main[i - 1].body);
    const after = strip(main[i].body);
    assert.deepEqual(after.system, before.system);
    assert.deepEqual(after.tools, before.tools);
    assert.deepEqual(
      after.messages.slice(0, before.messages.length - 1),
      before.messages.slice(0, -1),
    );
  }
  for (const request of main.slice(2)) {
    const u = request.usage!;
    assert.ok(u.cacheRead / (u.input + u.cacheRead + u.cacheWrite) >= 0.9);
  }
});

Deno.test("while a tool runs, the request, the model's reply, its usage and the call are already on disk", async () => {
  await using llm = await startFakeLlm();
  await using t = await openTestAgent(llm, { files: { "a.txt": "alpha\n" } });
  // Another connection, as another process would see the file.
  const reader = openAgentDatabase(t.project.root);
  const seen: Record<string, unknown>[] = [];
  const peek = defineTool({
    name: "peek",
    description: "test probe: reads the session tables through another connection",
    input: z.object({}),
    annotations: probeAnnotations("peek", true),
    permission: () => ({ kind: "read", tool: "peek", paths: [] }),
    async run() {
      // Loom journals before the tool starts and applies to SQLite while it runs.
      await agent.store.settled();
      const count = (table: string) =>
        (reader.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
      seen.push({
        messages: reader.prepare("SELECT role FROM agent_messages ORDER BY seq").all()
          .map((r) => r.role),
        usage: count("agent_usage"),
        calls: reader.prepare("SELECT name, output FROM agent_tool_calls").all()
          .map((r) => ({ ...r })),
      });
      return { text: "peeked" };
    },
  });
  (t.host.tools as Map<string, Tool>).set(peek.name, peek);
  const agent = await t.reopen();
  llm.enqueue(
    reply.toolCall("file_read", { path: "a.txt" }),
    reply.toolCall("peek", {}),
    reply.text("done"),
    reply.text("Peek session"),
  );
  try {
    await drain(agent.run("read, then peek"));
    assert.equal(seen.length, 1);
    assert.deepEqual(seen[0].messages, ["user", "assistant", "tool", "assistant"]);
    assert.equal(seen[0].usage, 2, "both model calls are costed");
    const calls = seen[0].calls as { name: string; output: string | null }[];
    assert.deepEqual(calls.map((c) => [c.name, c.output === null]), [
      ["file_read", false],
      ["peek", true],
    ]);
    // Once the run is over, all of it is.
    const roles = reader.prepare("SELECT role FROM agent_messages ORDER BY seq").all();
    assert.deepEqual(roles.map((r) => r.role), [
      "user",
      "assistant",
      "tool",
      "assistant",
      "tool",
      "assistant",
    ]);
  } finally {
    reader.close();
  }
});

Deno.test("a tool that may change the world starts only once its call is on disk", async () => {
  await using llm = await startFakeLlm();
  await using t = await openTestAgent(llm, { files: { "a.txt": "alpha\n" } });
  const journal = () => journalText(t.project.root);
  const seen: string[] = [];
  const probe = (name: string, readOnly: boolean) =>
    defineTool({
      name,
      description: "test probe: what the session journal holds as it starts",
      input: z.object({}),
      annotations: probeAnnotations(name, readOnly),
      permission: () => ({ kind: "read", tool: name, paths: [] }),
      // Answers without giving the event loop a turn.
      run() {
        seen.push(journal());
        return Promise.resolve({ text: `${name} done` });
      },
    });
  for (const tool of [probe("look", true), probe("change", false)]) {
    (t.host.tools as Map<string, Tool>).set(tool.name, tool);
  }
  const agent = await t.reopen();
  llm.enqueue(
    reply.toolCall("look", {}, { id: "toolu_look" }),
    reply.toolCall("change", {}, { id: "toolu_change" }),
    reply.text("done"),
    reply.text("Probe session"),
  );
  await drain(agent.run("look, then change"));
  // The mutating call is journaled before it runs, and so is everything before it, including
  // what the read-only call (which gave the event loop no turn) brought back.
  assert.match(seen[1], /toolu_change/);
  assert.match(seen[1], /look done/);
});

Deno.test("a reply that arrives before the event loop turns is acted on only once the request is journaled", async () => {
  await using llm = await startFakeLlm();
  await using t = await openTestAgent(llm);
  // The real SDK and wire format, over a transport that hands the whole reply over at once: the
  // reply is read before the event loop gets to the commit it deferred past the request.
  const usage = { input: 10, output: 3, cacheRead: 0, cacheWrite: 0 };
  const sse = anthropicFrames(reply.text("instant answer"), "claude-sonnet-4-6", usage, 1).join("");
  const instant = createModel("anthropic:claude-sonnet-4-6", {
    env: llm.env(),
    fetch: () =>
      Promise.resolve(new Response(sse, { headers: { "content-type": "text/event-stream" } })),
  });
  const agent = await t.reopen({ model: instant });
  const journal = () => journalText(t.project.root);
  llm.enqueue(reply.text("Instant session"));
  let seen: string | undefined;
  for await (const event of agent.run("journal me first")) {
    if (event.type === "text-delta") seen ??= journal();
  }
  assert.match(seen ?? "", /journal me first/);
});

Deno.test("tool calls without an id, or with one the provider reuses, get ids of their own", async () => {
  for (const [model, id] of [["openai:gpt-5", ""], ["anthropic:claude-sonnet-4-6", "dup"]]) {
    await using llm = await startFakeLlm();
    await using t = await openTestAgent(llm, { files: { "a.txt": "alpha\n" }, model });
    llm.enqueue(
      reply.toolCalls([
        { name: "file_read", input: { path: "a.txt" }, id },
        { name: "file_read", input: { path: "a.txt" }, id },
      ]),
      reply.toolCall("file_read", { path: "a.txt" }, { id }),
      reply.text("It says alpha."),
      reply.text("Reading a.txt"),
    );
    const events = await drain(t.agent.run("read a.txt, twice"));
    assert.equal(ofType(events, "final")[0].reason, "final", model);
    // Three calls, three ids, three rows, each with its own result.
    const ids = ofType(events, "tool-start").map((e) => e.id);
    assert.equal(new Set(ids).size, 3, `${model}: ${ids}`);
    const stored = t.agent.store.toolCalls(t.agent.sessionId!);
    assert.deepEqual(stored.map((c) => c.callId).sort(), [...ids].sort(), model);
    assert.ok(stored.every((c) => c.output?.includes("alpha")), model);
    // What goes back to the provider pairs each result with its own call.
    const uses: string[] = [];
    const results: string[] = [];
    for (const message of t.agent.messages()) {
      if (typeof message.content === "string") continue;
      for (const part of message.content) {
        if (part.type === "tool_use") uses.push(part.id);
        if (part.type === "tool_result") results.push(part.toolUseId);
      }
    }
    assert.deepEqual(uses, ids, model);
    assert.deepEqual(results, ids, model);
  }
});

Deno.test("a session another Loom process is using is continued in a copy, and cannot be removed until it lets go", async () => {
  await using llm = await startFakeLlm();
  await using t = await openTestAgent(llm, { files: { "a.txt": "alpha\n" } });
  llm.enqueue(reply.text("First answer."), reply.text("Notes"));
  await drain(t.agent.run("first question"));
  const id = t.agent.sessionId!;
  const dir = leaseDir(t.db.location());
  // This process took the session when it made it: no other process can.
  await assert.rejects(holdSession(t.db.location()!, id), /did not take session/);
  releaseSession(dir, id);
  {
    await using _other = await holdSession(t.db.location()!, id);
    assert.equal(t.agent.store.inUse(id), true);
    assert.throws(() => t.agent.store.remove(id), /another Loom is using it/);
    const copy = await t.reopen({ session: { resume: id } });
    assert.equal(copy.forkedFrom, id);
    assert.notEqual(copy.sessionId, id);
    assert.equal(copy.session()!.parentId, id);
    assert.deepEqual(copy.messages(), t.agent.messages());
    llm.enqueue(reply.text("Second answer, in the copy."));
    await drain(copy.run("second question"));
    assert.equal(copy.messages().length, 4);
    assert.equal(t.agent.store.all(id).length, 2, "the session in use is left as it was");
  }
  // Once the other process has ended, the session itself is resumed.
  assert.equal(t.agent.store.inUse(id), false);
  const same = await t.reopen({ session: { resume: id } });
  assert.equal(same.forkedFrom, undefined);
  assert.equal(same.sessionId, id);
});

Deno.test("a resumed session leaves damaged messages out, and the calls and results they unpair", async () => {
  for (const [damagedSeq, kept] of [[3, ["text"]], [2, []]] as const) {
    await using llm = await startFakeLlm();
    await using t = await openTestAgent(llm, { files: { "a.txt": "alpha\n" } });
    llm.enqueue(
      reply.toolCall("file_read", { path: "a.txt" }, { text: "Reading." }),
      reply.text("It says alpha."),
      reply.text("Reading a.txt"),
    );
    await drain(t.agent.run("read a.txt"));
    const id = t.agent.sessionId!;
    t.agent.store.flush();
    // Seq 2 is the assistant's call, seq 3 the tool's result.
    t.db.prepare("UPDATE agent_messages SET content = 'null' WHERE session_id = ? AND seq = ?")
      .run(id, damagedSeq);
    const resumed = await t.reopen({ session: { resume: id } });
    assert.match(
      resumed.warnings.join("\n"),
      new RegExp(`1 stored message .*\\(#${damagedSeq}\\)`),
    );
    llm.enqueue(reply.text("Still alpha."));
    const events = await drain(resumed.run("and now?"));
    assert.equal(ofType(events, "final")[0].text, "Still alpha.");
    // No call without its result and no result without its call reached the provider.
    const sent = llm.requests.at(-1)!.body.messages as {
      role: string;
      content: { type: string }[];
    }[];
    const types = sent.flatMap((m) => m.content.map((c) => c.type));
    assert.ok(!types.includes("tool_use") && !types.includes("tool_result"), types.join(","));
    const assistant = sent.filter((m) => m.role === "assistant").flatMap((m) => m.content);
    assert.deepEqual(
      assistant.map((c) => (c as unknown as { text: string }).text),
      [...(kept.length ? ["Reading."] : []), "It says alpha."],
    );
  }
});

Deno.test("a session goes on under another provider whose rules refuse the tool call ids it has", async () => {
  await using llm = await startFakeLlm();
  const providers = Object.fromEntries(
    ["openrouter", "mistral"].map((name) => [name, {
      base_url: llm.openaiURL,
      api_key_env: "OPENAI_API_KEY",
    }]),
  );
  await using t = await openTestAgent(llm, {
    files: { "a.txt": "alpha\n" },
    model: "openrouter:moonshotai/kimi-k2",
    config: { providers },
  });
  // Kimi K2 names its calls `functions.NAME:N`, which neither Anthropic nor Mistral accepts.
  llm.enqueue(
    reply.toolCall("file_read", { path: "a.txt" }, { id: "functions.file_read:0" }),
    reply.text("It says alpha."),
    reply.text("Reading a file"),
  );
  await drain(t.agent.run("read a.txt"));
  const id = t.agent.sessionId!;
  // Each fake checks ids as its API does, and refuses the request as that API words it.
  const anthropicIds = (body: { messages: { content: string | { id?: string }[] }[] }) =>
    body.messages.flatMap((m) => typeof m.content === "string" ? [] : m.content)
      .flatMap((block) => block.id === undefined ? [] : [block.id]);
  const openaiIds = (body: { messages: { tool_calls?: { id: string }[] }[] }) =>
    body.messages.flatMap((m) => (m.tool_calls ?? []).map((call) => call.id));
  const checks: [string, (body: never) => string[], RegExp, string][] = [
    [
      "anthropic:claude-sonnet-4-6",
      anthropicIds,
      /^[a-zA-Z0-9_-]+$/,
      "messages.1.content.0.tool_use.id: String should match pattern '^[a-zA-Z0-9_-]+$'",
    ],
    [
      "mistral:devstral-medium-latest",
      openaiIds,
      /^[a-zA-Z0-9]{9}$/,
      "Tool call id was %s but must be a-z, A-Z, 0-9, with a length of 9.",
    ],
  ];
  for (const [model, idsOf, rule, refusal] of checks) {
    const agent = await t.reopen({ model: t.model(model), session: { resume: id } });
    llm.enqueue(unlessRefused((body) => {
      const bad = idsOf(body as never).find((sent) => !rule.test(sent));
      return bad === undefined ? undefined : refusal.replace("%s", bad);
    }, reply.text(`Answered on ${model}.`)));
    const events = await drain(agent.run("and what else?"));
    assert.deepEqual(ofType(events, "final").map((e) => [e.reason, e.text]), [
      ["final", `Answered on ${model}.`],
    ]);
  }
  assert.deepEqual(t.agent.store.toolCalls(id).map((c) => c.callId), ["functions.file_read:0"]);
});

/** A request body as the OpenAI-compatible fakes see it. */
type OpenAIBody = {
  messages: {
    role: string;
    tool_calls?: { extra_content?: unknown }[];
    reasoning_content?: string;
    reasoning_details?: unknown[];
  }[];
};

/**
 * A session on `model` (an OpenAI-compatible provider pointed at the fake) whose first reply is
 * the recorded `fixture` (a call reading README.md). Each later request to that provider is
 * checked as its API checks it (`refusal` says why it would refuse, if it would): the reply's
 * answer, then a resumed session's. The session then moves to OpenAI; returns what it was sent.
 */
async function echoedAcrossResume(
  model: string,
  fixture: string,
  refusal: (body: OpenAIBody) => string | undefined,
): Promise<OpenAIBody> {
  await using llm = await startFakeLlm();
  const provider = model.split(":")[0];
  await using t = await openTestAgent(llm, {
    files: { "README.md": "hello\n" },
    model,
    config: {
      providers: { [provider]: { base_url: llm.openaiURL, api_key_env: "OPENAI_API_KEY" } },
    },
  });
  const strict = (text: string) => unlessRefused(refusal, reply.text(text));
  const body = await Deno.readTextFile(new URL(`../fixtures/llm/${fixture}.sse`, import.meta.url));
  llm.enqueue(reply.raw(body), strict("It says hello."), reply.text("Reading"));
  const first = await drain(t.agent.run("what does the README say?"));
  assert.deepEqual(ofType(first, "final").map((e) => [e.reason, e.text]), [
    ["final", "It says hello."],
  ]);
  const id = t.agent.sessionId!;
  const resumed = await t.reopen({ model: t.model(model), session: { resume: id } });
  llm.enqueue(strict("Still hello."));
  const again = await drain(resumed.run("sure?"));
  assert.deepEqual(ofType(again, "final").map((e) => [e.reason, e.text]), [
    ["final", "Still hello."],
  ]);
  const moved = await t.reopen({ model: t.model("openai:gpt-5"), session: { resume: id } });
  llm.enqueue(reply.text("Hello, says OpenAI."));
  await drain(moved.run("and you?"));
  return llm.requests.at(-1)!.body as OpenAIBody;
}

Deno.test("Gemini 3's thought signature goes back with its tool call, after a resume too, and only to Gemini", async () => {
  const sentFields = (body: OpenAIBody) =>
    body.messages.flatMap((m) => (m.tool_calls ?? []).map((c) => c.extra_content));
  // As Gemini 3 does: a call of this turn without its signature fails the request.
  const toOpenAI = await echoedAcrossResume(
    "google:gemini-3-pro-preview",
    "gemini3_thought_signature",
    (body) =>
      sentFields(body).every((f) => JSON.stringify(f)?.includes("CiQBjz1rX2Fz0n8sigA"))
        ? undefined
        : "Function call is missing a thought_signature in functionCall parts.",
  );
  // OpenAI refuses fields it does not know.
  assert.deepEqual(sentFields(toOpenAI), [undefined]);
});

Deno.test("OpenRouter's reasoning details (Gemini 3's signatures) go back with their calls, after a resume too, and only to OpenRouter", async () => {
  // As OpenRouter does for Gemini 3: a message of this turn's calls without its signature fails.
  const toOpenAI = await echoedAcrossResume(
    "openrouter:google/gemini-3-pro-preview",
    "openrouter_gemini3_reasoning_details",
    (body) =>
      body.messages.every((m) =>
          m.tool_calls === undefined ||
          JSON.stringify(m.reasoning_details ?? []).includes('"data":"CiQBjz1rX2Fz0n8sigOR"')
        )
        ? undefined
        : "Gemini models require OpenRouter reasoning details to be preserved in each request. " +
          "Upstream error: Function call is missing a thought_signature in functionCall parts.",
  );
  assert.ok(toOpenAI.messages.every((m) => m.reasoning_details === undefined));
});

Deno.test("an Anthropic-compatible server's thinking goes back with its calls, after a resume too, and not to Anthropic itself", async () => {
  await using llm = await startFakeLlm();
  await using elsewhere = await startFakeLlm();
  const id = "dsa:deepseek-reasoner";
  await using t = await openTestAgent(llm, {
    files: { "README.md": "hello\n" },
    model: id,
    config: {
      providers: { dsa: { base_url: llm.url, api: "anthropic", api_key_env: "ANTHROPIC_API_KEY" } },
    },
  });
  type Body = {
    messages: { role: string; content: string | { type: string; thinking?: string }[] }[];
  };
  // As DeepSeek's Anthropic endpoint does in thinking mode: a message with calls opens with the
  // thinking that came with them.
  const strict = (text: string) =>
    unlessRefused(
      (body: Body) =>
        body.messages.every((m) =>
            typeof m.content === "string" || !m.content.some((b) => b.type === "tool_use") ||
            (m.content[0].type === "thinking" && m.content[0].thinking!.includes("read it first"))
          )
          ? undefined
          : "The `content[].thinking` in the thinking mode must be passed back to the API.",
      reply.text(text),
    );
  const fixture = new URL("../fixtures/llm/deepseek_anthropic_thinking_tools.sse", import.meta.url);
  llm.enqueue(
    reply.raw(await Deno.readTextFile(fixture)),
    strict("It says hello."),
    reply.text("T"),
  );
  const first = await drain(t.agent.run("what does the README say?"));
  assert.deepEqual(ofType(first, "final").map((e) => [e.reason, e.text]), [
    ["final", "It says hello."],
  ]);
  const session = t.agent.sessionId!;
  const resumed = await t.reopen({ model: t.model(id), session: { resume: session } });
  llm.enqueue(strict("Still hello."));
  const again = await drain(resumed.run("sure?"));
  assert.deepEqual(ofType(again, "final").map((e) => [e.text, e.reason]), [[
    "Still hello.",
    "final",
  ]]);
  // Anthropic itself, at another address, refuses thinking it did not sign.
  const anthropic = createModel("anthropic:claude-sonnet-4-6", { env: elsewhere.env() });
  const moved = await t.reopen({ model: anthropic, session: { resume: session } });
  elsewhere.enqueue(unlessRefused(
    (body: Body) =>
      JSON.stringify(body.messages).includes('"type":"thinking"')
        ? "messages.1.content.0.thinking.signature: Field required"
        : undefined,
    reply.text("Hello from Anthropic."),
  ));
  const there = await drain(moved.run("and you?"));
  assert.deepEqual(ofType(there, "final").map((e) => e.text), ["Hello from Anthropic."]);
});

Deno.test("DeepSeek's reasoning goes back with its assistant messages while tools are called, and only to DeepSeek", async () => {
  // As DeepSeek's thinking mode does: every assistant message needs the field, and a call's
  // message its reasoning.
  const toOpenAI = await echoedAcrossResume(
    "deepseek:deepseek-reasoner",
    "deepseek_reasoner_tools",
    (body) => {
      const bad = body.messages.findIndex((m) =>
        m.role === "assistant" &&
        (typeof m.reasoning_content !== "string" ||
          (m.tool_calls !== undefined && !m.reasoning_content.includes("read it first")))
      );
      return bad === -1
        ? undefined
        : `Missing \`reasoning_content\` field in the assistant message at message index ${bad}`;
    },
  );
  assert.ok(toOpenAI.messages.every((m) => m.reasoning_content === undefined));
});
