import assert from "node:assert/strict";
import { listNodes } from "../src/graph/mod.ts";
import { countTokens, createModel, lookupModel } from "../src/llm/mod.ts";
import { drain, ofType, openTestAgent, type TestAgent } from "./_lib/agent.ts";
import {
  type FakeLlm,
  type FakeReply,
  type RecordedRequest,
  reply,
  startFakeLlm,
} from "./_lib/fake_llm.ts";

const CONTEXT = {
  reserved_output_tokens: 256,
  max_repo_map_tokens: 0,
  max_decision_context_tokens: 300,
};

/** Reopens `t`'s agent on a model whose window leaves `history` tokens for the conversation. */
async function withHistoryBudget(t: TestAgent, llm: FakeLlm, history: number) {
  const fixed = t.agent.budget.window - t.agent.budget.history;
  const id = "anthropic:claude-sonnet-4-6";
  const config = { models: { [id]: { context_window: fixed + history } } };
  const model = createModel(id, { env: llm.env(), config, retry: { maxRetries: 0 } });
  const agent = await t.reopen({ model });
  assert.equal(agent.budget.history, history);
  return agent;
}

const SUMMARY = `Summary:
The user wants the notes file kept short. The agent read notes.md and wrote todo.md.

Facts:
- goal: keep notes.md under forty lines
- decision: put open items in todo.md because notes.md is for decisions
- rejected: deleting old notes, because the user wants history kept`;

/** Routes requests: summaries and titles by their prompt, everything else from `main` in order. */
function router(main: FakeReply[], seen: { summaries: RecordedRequest[] }) {
  return (request: RecordedRequest): FakeReply => {
    const system = JSON.stringify(request.body.system ?? "");
    if (system.includes("You compact")) {
      seen.summaries.push(request);
      return reply.text(SUMMARY);
    }
    if (system.includes("at most six words")) return reply.text("Notes housekeeping");
    return main.shift() ?? reply.text("(script ran out)");
  };
}

const NOTES = Array.from({ length: 12 }, (_, i) => `- note ${i}: the build uses deno and sqlite`)
  .join("\n");

Deno.test("when history outgrows its budget, older turns become a summary and their facts observations", async () => {
  const seen = { summaries: [] as RecordedRequest[] };
  const main: FakeReply[] = [
    reply.toolCall("file_read", { path: "notes.md" }),
    reply.text(`Read the notes: twelve lines about the build. ${"Details follow. ".repeat(40)}`),
    reply.toolCall("file_write", { path: "todo.md", content: "- trim notes\n".repeat(80) }),
    reply.text(`Wrote todo.md with the open items. ${"More details. ".repeat(40)}`),
    reply.text("Third answer, after compaction."),
  ];
  await using llm = await startFakeLlm({ fallback: router(main, seen) });
  await using t = await openTestAgent(llm, {
    files: { "notes.md": NOTES },
    config: { context: CONTEXT },
    ask: () => Promise.resolve("once"),
  });
  const budget = 800;
  const agent = await withHistoryBudget(t, llm, budget);
  await drain(agent.run("Keep notes.md short; read it first"));
  await drain(agent.run("Move the open items to todo.md"));
  assert.equal(seen.summaries.length, 0, "no compaction while history fits");
  const events = await drain(agent.run("What is left?"));
  const compaction = ofType(events, "compaction");
  assert.equal(compaction.length, 1);
  assert.ok(compaction[0].tokensBefore > budget && compaction[0].tokensAfter < budget);
  assert.equal(compaction[0].observations, 4);
  assert.equal(ofType(events, "final")[0].text, "Third answer, after compaction.");
  // The weak model summarised the transcript of the older turns.
  assert.equal(seen.summaries[0].body.model, "claude-haiku-4-5");
  assert.match(seen.summaries[0].body.messages[0].content[0].text, /TOOL CALL file_read/);
  // The next main call starts with the summary, then the kept turns.
  const after = llm.requests.at(-1)!.body.messages;
  assert.match(after[0].content[0].text, /Loom compacted the \d+ earliest messages/);
  assert.match(after[0].content[0].text, /Files changed so far: todo\.md/);
  assert.equal(after.at(-1).content.at(-1).text, "What is left?");
  // Facts are in the decision graph, stamped with the session; nothing was deleted from the store.
  const id = agent.sessionId!;
  const observations = listNodes(agent.graph, { type: "observation" });
  assert.deepEqual(observations.map((n) => n.title).sort(), [
    "Decision: put open items in todo.md because notes.md is for decisions",
    "Files touched: todo.md",
    "Goal: keep notes.md under forty lines",
    "Rejected: deleting old notes, because the user wants history kept",
  ]);
  assert.ok(observations.every((n) => n.sessionId === id && n.files.includes("todo.md")));
  const all = agent.store.all(id);
  assert.ok(all.filter((m) => m.hidden).length >= compaction[0].summarised);
  assert.equal(all.filter((m) => m.summary).length, 1);
  // The refreshed system prompt's decision context now lists the kept facts.
  assert.match(agent.systemPrompt(), /keep notes\.md under forty lines/);
  // A resumed session sees the same compacted history.
  const resumed = await t.reopen({ session: { resume: id } });
  assert.deepEqual(resumed.messages(), agent.messages());
});

Deno.test("compact() on demand summarises the older turns even when they fit", async () => {
  const seen = { summaries: [] as RecordedRequest[] };
  const main: FakeReply[] = [reply.text("one"), reply.text("two"), reply.text("three")];
  await using llm = await startFakeLlm({ fallback: router(main, seen) });
  await using t = await openTestAgent(llm, {});
  await drain(t.agent.run("first question"));
  await drain(t.agent.run("second question"));
  const result = await t.agent.compact();
  assert.ok(result);
  assert.equal(result.summarised, 3);
  assert.equal(seen.summaries.length, 1);
  const messages = t.agent.messages();
  assert.equal(messages.length, 2);
  assert.match(String(messages[0].content), /The user wants the notes file kept short/);
  await drain(t.agent.run("third question"));
  const sent = llm.requests.at(-1)!.body.messages;
  assert.match(sent[0].content[0].text, /Loom compacted the 3 earliest messages/);
});

Deno.test("a tool result far over its budget is cut with a note before the model sees it", async () => {
  const big = Array.from(
    { length: 300 },
    (_, i) => `line ${i} ${"lorem ipsum dolor sit amet ".repeat(3)}`,
  )
    .join("\n");
  await using llm = await startFakeLlm({
    fallback: router([reply.toolCall("file_read", { path: "big.txt" }), reply.text("ok")], {
      summaries: [],
    }),
  });
  await using t = await openTestAgent(llm, {
    files: { "big.txt": big },
    config: { context: CONTEXT },
  });
  const agent = await withHistoryBudget(t, llm, 1600);
  const events = await drain(agent.run("read big.txt"));
  const cut = ofType(events, "truncated");
  assert.equal(cut.length, 1);
  assert.equal(cut[0].keptTokens, 400);
  assert.ok(cut[0].tokens > 400);
  const result = llm.requests[1].body.messages.at(-1).content[0];
  assert.match(result.content, /Loom cut \d+ characters/);
  assert.match(result.content, /line 0 /);
  assert.ok(result.content.length < big.length / 4);
});

Deno.test("a call the provider refuses as too long for the context window is compacted and made again, once", async () => {
  const seen = { summaries: [] as RecordedRequest[] };
  const tooLong = () => reply.httpError(400, "prompt is too long: 210000 tokens > 200000 maximum");
  const main: FakeReply[] = [
    reply.toolCall("file_read", { path: "notes.md" }),
    reply.text(`Read the notes. ${"Details follow. ".repeat(40)}`),
    reply.text(`Second answer. ${"More details. ".repeat(40)}`),
    // Our count says the history fits; the provider counts more.
    tooLong(),
    reply.text("Third answer, after compaction."),
    // And when even the compacted conversation is refused, the run ends with advice.
    tooLong(),
    tooLong(),
  ];
  await using llm = await startFakeLlm({ fallback: router(main, seen) });
  await using t = await openTestAgent(llm, {
    files: { "notes.md": NOTES },
    config: { context: CONTEXT },
  });
  const budget = 1500;
  const agent = await withHistoryBudget(t, llm, budget);
  await drain(agent.run("Read notes.md"));
  await drain(agent.run("Anything else?"));
  assert.equal(seen.summaries.length, 0, "the history fits by our count");
  const before = llm.requests.length;
  const events = await drain(agent.run("What is left?"));
  assert.equal(seen.summaries.length, 1);
  assert.equal(ofType(events, "compaction").length, 1);
  assert.deepEqual(ofType(events, "error"), []);
  const final = ofType(events, "final")[0];
  assert.equal(final.text, "Third answer, after compaction.");
  // The same step, called again, now starts with the summary and ends with the question.
  assert.deepEqual(ofType(events, "step").map((e) => e.step), [1, 1]);
  const [refused, , retried] = llm.requests.slice(before);
  assert.equal(refused.body.messages.at(-1).content.at(-1).text, "What is left?");
  assert.match(
    retried.body.messages[0].content[0].text,
    /Loom compacted the \d+ earliest messages/,
  );
  assert.equal(retried.body.messages.at(-1).content.at(-1).text, "What is left?");
  assert.ok(retried.body.messages.length < refused.body.messages.length);

  const again = await drain(agent.run("And now?"));
  const [error] = ofType(again, "error");
  assert.match(error.error.message, /too long for the model's context window \(400\)/);
  assert.match(error.error.message, /\/compact it or start a new session/);
  assert.equal(ofType(again, "final")[0].reason, "error");
  // One more compaction, one more try, then no loop.
  assert.equal(seen.summaries.length, 2);
  assert.equal(ofType(again, "step").length, 2);
});

Deno.test("a call id from before a compaction is not given again, in this process or after a resume", async () => {
  // An OpenAI-compatible server that sends no ids: the converter numbers each reply's calls from
  // call_0, so every reply's first call arrives as call_0.
  const call = () => reply.toolCall("file_read", { path: "a.txt" }, { id: "" });
  const main: FakeReply[] = [
    call(),
    reply.text("one"),
    call(),
    reply.text("two"),
    call(),
    reply.text("three"),
  ];
  await using llm = await startFakeLlm({ fallback: router(main, { summaries: [] }) });
  await using t = await openTestAgent(llm, {
    files: { "a.txt": "alpha\n" },
    model: "openai:gpt-5",
  });
  const ids: string[] = [];
  const run = async (agent: typeof t.agent, input: string) => {
    const events = await drain(agent.run(input));
    assert.equal(ofType(events, "final")[0].reason, "final");
    ids.push(...ofType(events, "tool-start").map((e) => e.id));
  };
  await run(t.agent, "read a.txt");
  assert.ok(await t.agent.compact());
  assert.ok(!JSON.stringify(t.agent.messages()).includes(ids[0]), "the first call is summarised");
  await run(t.agent, "read it again");
  const resumed = await t.reopen({ session: { resume: t.agent.sessionId! } });
  assert.ok(await resumed.compact());
  await run(resumed, "and once more");
  assert.equal(new Set(ids).size, 3, ids.join(", "));
  // Each call kept its own row: none replaced an earlier one.
  const stored = resumed.store.toolCalls(resumed.sessionId!);
  assert.deepEqual(stored.map((c) => c.callId), ids);
});

Deno.test("the decision context in the system prompt fits its budget in real tokens", async () => {
  await using llm = await startFakeLlm();
  await using t = await openTestAgent(llm, {
    config: { context: { ...CONTEXT, max_decision_context_tokens: 200 } },
  });
  // Punctuation-dense titles: about one token per character or two, where the graph's own
  // estimate (characters/4) would let several times the budget through.
  for (let i = 1; i <= 30; i++) {
    t.agent.graph.addNode({ type: "observation", title: `x[${i}]+=y{${i}};z<<=(${i}|~w)>>${i};` });
  }
  const agent = await t.reopen();
  const block = /<decision_context>[\s\S]*<\/decision_context>/.exec(agent.systemPrompt())?.[0];
  assert.ok(block, "the prompt has a decision context");
  assert.match(block, /x\[1\]|x\[30\]/, "some observations fit");
  assert.ok(countTokens(block) <= 200, `${countTokens(block)} real tokens`);
});

Deno.test("compaction sends the weak model only as much transcript as its window holds", async () => {
  const seen = { summaries: [] as RecordedRequest[] };
  const main: FakeReply[] = Array.from({ length: 12 }, (_, i) => reply.text(`answer ${i}`));
  await using llm = await startFakeLlm({ fallback: router(main, seen) });
  // A small local model summarises: 8,192 tokens in all.
  await using t = await openTestAgent(llm, {
    config: { models: { "anthropic:claude-haiku-4-5": { context_window: 8_192 } } },
  });
  for (let i = 0; i < 12; i++) await drain(t.agent.run(`question ${i}: ${"words ".repeat(500)}`));
  assert.ok(await t.agent.compact());
  const transcript: string = seen.summaries[0].body.messages[0].content[0].text;
  assert.ok(transcript.length <= (8_192 - 2_048 - 1_000) * 3 + 50, `${transcript.length}`);
  assert.match(transcript, /earliest turns omitted/);
  assert.match(transcript, /answer 10/);
});

Deno.test("a model that reasons gets room for its reasoning in the reply's limit; a set limit wins", async () => {
  assert.equal(lookupModel("openai:gpt-5").reasoning, true);
  assert.equal(lookupModel("openai:gpt-5-2025-08-07").reasoning, true, "a dated id");
  assert.equal(lookupModel("anthropic:claude-sonnet-4-6").reasoning, false);
  const gemini3 = lookupModel("google:gemini-3-pro-preview");
  assert.deepEqual([gemini3.known, gemini3.reasoning, gemini3.contextWindow], [
    true,
    true,
    1_048_576,
  ]);
  assert.equal(lookupModel("lab:thinker", { "lab:thinker": { reasoning: true } }).reasoning, true);
  const limits: [string, Record<string, number>, string, number][] = [
    ["openai:gpt-5", {}, "max_completion_tokens", 32_000],
    ["anthropic:claude-sonnet-4-6", {}, "max_tokens", 8192],
    ["openai:gpt-5", { reasoning_output_tokens: 4096 }, "max_completion_tokens", 4096],
    ["openai:gpt-5", { reserved_output_tokens: 1000 }, "max_completion_tokens", 32_000],
  ];
  for (const [model, context, field, sent] of limits) {
    await using llm = await startFakeLlm();
    await using t = await openTestAgent(llm, { model, config: { context } });
    llm.enqueue(reply.text("Thought it through."), reply.text("Thinking"));
    await drain(t.agent.run("a hard question"));
    assert.equal(llm.requests[0].body[field], sent, `${model} ${JSON.stringify(context)}`);
  }
});
