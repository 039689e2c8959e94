import assert from "node:assert/strict";
import { z } from "zod";
import { isReadOnlyCall } from "../src/agent/mod.ts";
import { MAX_CONCURRENT_CALLS } from "../src/agent/tool_exec.ts";
import { defineTool, type Tool } from "../src/tools/define.ts";
import { drain, journalText, ofType, openTestAgent, probeAnnotations } from "./_lib/agent.ts";
import { type FakeReply, reply, startFakeLlm, unlessRefused } from "./_lib/fake_llm.ts";
import { anthropicFrames } from "./_lib/fake_llm_wire.ts";

const APP = "export const answer = 42;\n";

/** A test tool that logs when it starts and ends; read-only ones wait until both have started. */
function probeTools(log: string[]): Tool[] {
  let started = 0;
  let release!: () => void;
  const bothStarted = new Promise<void>((resolve) => (release = resolve));
  const make = (name: string, readOnly: boolean) =>
    defineTool({
      name,
      description: `test probe (${readOnly ? "read-only" : "mutating"})`,
      input: z.object({ tag: z.string().describe("label for the log") }),
      annotations: probeAnnotations(name, readOnly),
      permission: () => ({ kind: "read", tool: name, paths: [] }),
      async run(input, ctx) {
        log.push(`start ${input.tag}`);
        if (readOnly) {
          if (++started === 2) release();
          // Run one at a time, the first would wait here for good: the timeout only bounds failure.
          const guard = AbortSignal.timeout(5000);
          const failed = new Promise<string>((resolve) =>
            guard.addEventListener("abort", () => resolve("alone"), { once: true })
          );
          const how = await Promise.race([bothStarted.then(() => "together"), failed]);
          log.push(`end ${input.tag} ${how}`);
        } else {
          await Deno.readTextFile(ctx.guard.root + "/src/app.ts");
          log.push(`end ${input.tag}`);
        }
        return { text: `done ${input.tag}` };
      },
    });
  return [make("probe_read", true), make("probe_write", false)];
}

Deno.test("read-only calls of one step run together, mutating ones one after another in order", async () => {
  await using llm = await startFakeLlm();
  await using t = await openTestAgent(llm, { files: { "src/app.ts": APP } });
  const log: string[] = [];
  for (const tool of probeTools(log)) (t.host.tools as Map<string, Tool>).set(tool.name, tool);
  const agent = await t.reopen();
  llm.enqueue(
    reply.toolCalls([
      { name: "probe_read", input: { tag: "r1" } },
      { name: "probe_read", input: { tag: "r2" } },
    ]),
    reply.toolCalls([
      { name: "probe_write", input: { tag: "w1" } },
      { name: "probe_write", input: { tag: "w2" } },
    ]),
    reply.text("ok"),
    reply.text("Probe session"),
  );
  const events = await drain(agent.run("probe"));
  assert.equal(ofType(events, "final")[0].reason, "final");
  assert.deepEqual(log.slice(0, 2).sort(), ["start r1", "start r2"]);
  assert.deepEqual(log.slice(2, 4).sort(), ["end r1 together", "end r2 together"]);
  assert.deepEqual(log.slice(4), ["start w1", "end w1", "start w2", "end w2"]);
  // Results go back in call order whatever order they finished in.
  const toolMessage = agent.messages().filter((m) => m.role === "tool")[0];
  assert.deepEqual(
    (toolMessage.content as { content: string }[]).map((c) => c.content),
    ["done r1", "done r2"],
  );
});

Deno.test("a step asking for many read-only calls runs them a bounded number at a time, each on record before it starts", async () => {
  await using llm = await startFakeLlm();
  await using t = await openTestAgent(llm, { files: { "src/app.ts": APP } });
  let active = 0;
  let most = 0;
  const unrecorded: string[] = [];
  const wide = defineTool({
    name: "probe_wide",
    description: "test probe (read-only, yields to the event loop)",
    input: z.object({ tag: z.string().describe("label") }),
    annotations: probeAnnotations("probe_wide", true),
    permission: () => ({ kind: "read", tool: "probe_wide", paths: [] }),
    async run(input) {
      // Its tool_started record, not the assistant message that asked for it.
      if (!journalText(t.project.root).includes(`"probe_wide",{"tag":"${input.tag}"}`)) {
        unrecorded.push(input.tag);
      }
      most = Math.max(most, ++active);
      await new Promise((resolve) => setTimeout(resolve, 0));
      active--;
      return { text: `done ${input.tag}` };
    },
  });
  (t.host.tools as Map<string, Tool>).set(wide.name, wide);
  const agent = await t.reopen();
  const count = MAX_CONCURRENT_CALLS * 3 + 1;
  const tags = Array.from({ length: count }, (_, i) => `w${i}`);
  llm.enqueue(
    reply.toolCalls(tags.map((tag) => ({ name: "probe_wide", input: { tag } }))),
    reply.text("ok"),
    reply.text("Wide session"),
  );
  const events = await drain(agent.run("read them all"));
  assert.equal(ofType(events, "final")[0].reason, "final");
  // As many at once as allowed, never more; each call journaled before it ran.
  assert.equal(most, MAX_CONCURRENT_CALLS);
  assert.deepEqual(unrecorded, []);
  // The events agree: each call starts before it ends, and no more than the limit are open.
  let open = 0;
  const seen = new Set<string>();
  for (const event of events) {
    if (event.type === "tool-start") {
      seen.add(event.id);
      assert.ok(++open <= MAX_CONCURRENT_CALLS);
    } else if (event.type === "tool-end") {
      assert.ok(seen.has(event.id));
      open--;
    }
  }
  assert.equal(seen.size, count);
  // Every result, in call order, and every call in the session.
  const toolMessage = agent.messages().filter((m) => m.role === "tool")[0];
  assert.deepEqual(
    (toolMessage.content as { content: string }[]).map((c) => c.content),
    tags.map((tag) => `done ${tag}`),
  );
  const stored = agent.store.toolCalls(agent.sessionId!);
  assert.deepEqual(stored.map((c) => c.output), tags.map((tag) => `done ${tag}`));
});

Deno.test("a call the person denies goes back to the model as a tool error and changes nothing", async () => {
  await using llm = await startFakeLlm();
  await using t = await openTestAgent(llm, {
    files: { "src/app.ts": APP },
    ask: () => Promise.resolve("deny"),
  });
  llm.enqueue(
    reply.toolCall("shell", { command: "rm src/app.ts" }),
    reply.toolCall("file_write", { path: "src/new.ts", content: "x" }),
    reply.text("I could not delete it."),
    reply.text("Delete app"),
  );
  const events = await drain(t.agent.run("delete app.ts"));
  assert.equal(ofType(events, "final")[0].text, "I could not delete it.");
  assert.equal(await t.project.read("src/app.ts"), APP);
  await assert.rejects(() => Deno.stat(t.project.path("src/new.ts")), Deno.errors.NotFound);
  const ends = ofType(events, "tool-end");
  assert.deepEqual(ends.map((e) => e.outcome.code), ["DENIED", "DENIED"]);
  const sent = llm.requests[1].body.messages.at(-1).content[0];
  assert.equal(sent.type, "tool_result");
  assert.equal(sent.is_error, true);
  assert.match(sent.content, /denied: the user said no/);
});

Deno.test("a deny rule refuses a call without asking anyone", async () => {
  await using llm = await startFakeLlm();
  let asked = 0;
  await using t = await openTestAgent(llm, {
    files: { "src/app.ts": APP },
    config: { permissions: { deny: ["shell(rm *)"] } },
    ask: () => Promise.resolve(++asked ? "once" : "once"),
  });
  llm.enqueue(
    reply.toolCall("shell", { command: "rm -f src/app.ts" }),
    reply.text("no"),
    reply.text("t"),
  );
  const events = await drain(t.agent.run("delete"));
  assert.equal(asked, 0);
  assert.equal(ofType(events, "tool-end")[0].outcome.code, "DENIED");
  assert.equal(await t.project.read("src/app.ts"), APP);
});

Deno.test("cancelling mid-tool stops the run and kills the tool's process", async () => {
  await using llm = await startFakeLlm();
  await using t = await openTestAgent(llm, {
    files: { "src/app.ts": APP },
    ask: () => Promise.resolve("once"),
  });
  // `exec` makes the sleeper the runner's own child, so it is reaped (gone) once the tool returns.
  llm.enqueue(reply.toolCall("shell", { command: "echo ready $$; exec sleep 60" }));
  const controller = new AbortController();
  const events = [];
  let pid = 0;
  for await (const event of t.agent.run("wait a minute", { signal: controller.signal })) {
    events.push(event);
    if (event.type === "tool-progress" && /ready (\d+)/.test(event.update.message ?? "")) {
      pid = Number(/ready (\d+)/.exec(event.update.message!)![1]);
      controller.abort();
    }
  }
  assert.ok(pid > 0, "the command reported its pid");
  const final = ofType(events, "final")[0];
  assert.equal(final.reason, "cancelled");
  const end = ofType(events, "tool-end")[0];
  assert.equal(end.outcome.isError, true);
  // On the process table: the sleeping process is gone.
  await assert.rejects(() => Deno.stat(`/proc/${pid}`), Deno.errors.NotFound);
  assert.equal(llm.requests.length, 1, "no model call after the cancel");
  const stored = t.agent.store.all(t.agent.sessionId!).map((m) => m.message.role);
  assert.deepEqual(stored, ["user", "assistant", "tool"]);
});

Deno.test("git calls that only read count as read-only; those that change the repository do not", async () => {
  await using llm = await startFakeLlm();
  await using t = await openTestAgent(llm, { files: { "src/app.ts": APP } });
  const cases: [Record<string, unknown>, boolean][] = [
    [{ operation: "status" }, true],
    [{ operation: "diff" }, true],
    [{ operation: "log" }, true],
    [{ operation: "show", ref: "HEAD" }, true],
    [{ operation: "blame", path: "src/app.ts" }, true],
    [{ operation: "branch" }, true],
    [{ operation: "stash", action: "list" }, true],
    [{ operation: "branch", name: "topic" }, false],
    [{ operation: "stash", action: "push" }, false],
    [{ operation: "add", paths: ["src/app.ts"] }, false],
    [{ operation: "commit", message: "x" }, false],
    [{ operation: "no-such-operation" }, false],
  ];
  for (const [input, expected] of cases) {
    const call = { type: "tool_use" as const, id: "c", name: "git", input };
    assert.equal(await isReadOnlyCall(call, t.host), expected, JSON.stringify(input));
  }
});

Deno.test("read-only git calls of one step run together; a mutating one waits for them", async () => {
  await using llm = await startFakeLlm();
  await using t = await openTestAgent(llm, {
    files: { "src/app.ts": APP },
    config: { permissions: { auto_approve: true } },
  });
  const log: string[] = [];
  // A stand-in for git: not read-only as a tool, read-only per call as its permission says.
  const [probe] = probeTools(log);
  const gitLike = defineTool({
    ...probe,
    name: "git_like",
    input: z.object({ tag: z.string().describe("label"), write: z.boolean().describe("mutates") }),
    annotations: { ...probe.annotations, readOnlyHint: false },
    permission: (input) => ({
      kind: "git",
      tool: "git_like",
      operation: input.write ? "commit" : "status",
      mutating: input.write,
      paths: [],
    }),
    run: (input, ctx) =>
      input.write
        ? Promise.resolve(log.push(`write ${input.tag}`)).then(() => ({ text: "written" }))
        : probe.run({ tag: input.tag }, ctx),
  });
  (t.host.tools as Map<string, Tool>).set(gitLike.name, gitLike);
  const agent = await t.reopen();
  llm.enqueue(
    reply.toolCalls([
      { name: "git_like", input: { tag: "s1", write: false } },
      { name: "git_like", input: { tag: "s2", write: false } },
      { name: "git_like", input: { tag: "c1", write: true } },
    ]),
    reply.text("ok"),
    reply.text("Git session"),
  );
  await drain(agent.run("look, then commit"));
  assert.deepEqual(log.slice(0, 2).sort(), ["start s1", "start s2"]);
  assert.deepEqual(log.slice(2, 4).sort(), ["end s1 together", "end s2 together"]);
  assert.deepEqual(log.slice(4), ["write c1"]);
});

Deno.test("half an emoji, cut from a long line or sent by the model, never reaches the provider", async () => {
  // A line longer than file_read shows, whose cut falls between the two halves of an emoji.
  const wide = "a" + "\u{1F600}".repeat(1500) + "\n";
  await using llm = await startFakeLlm();
  await using t = await openTestAgent(llm, { files: { "wide.txt": wide } });
  // Anthropic's API refuses a body with a lone surrogate (and every later one: history is
  // resent); Deno's JSON.parse keeps it, so the fake looks for it in every string.
  const lone = (value: unknown): boolean =>
    typeof value === "string"
      ? !value.isWellFormed()
      : typeof value === "object" && value !== null && Object.values(value).some(lone);
  const strict = (answer: FakeReply) =>
    unlessRefused(
      (body) =>
        lone(body) ? "The request body is not valid JSON: no low surrogate in string" : undefined,
      answer,
    );
  llm.enqueue(
    reply.toolCall("file_read", { path: "wide.txt" }, { text: "Reading \ud83d" }),
    strict(reply.text("A wide line of faces.")),
    reply.text("Reading a wide file"),
  );
  const events = await drain(t.agent.run("what is in wide.txt?"));
  assert.deepEqual(ofType(events, "final").map((e) => [e.reason, e.text]), [
    ["final", "A wide line of faces."],
  ]);
  // The result was cut where it should be, and kept whole faces only.
  const result = ofType(events, "tool-end")[0].outcome.text;
  assert.match(result, /line cut at 2,000 of 3,001 chars/);
  assert.ok(result.isWellFormed());
  llm.enqueue(strict(reply.text("Still fine.")));
  const again = await drain(t.agent.run("and now?"));
  assert.equal(ofType(again, "final")[0].text, "Still fine.");
});

Deno.test("a call cut off by the output limit tells the model to write in smaller parts", async () => {
  await using llm = await startFakeLlm();
  await using t = await openTestAgent(llm, {
    config: { context: { reserved_output_tokens: 4096 } },
  });
  // The reply stops at max_tokens inside file_write's arguments: its last piece never comes.
  const usage = { input: 10, output: 4096, cacheRead: 0, cacheWrite: 0 };
  const frames = anthropicFrames(
    {
      kind: "message",
      toolCalls: [{ name: "file_write", input: { path: "big.txt", content: "x".repeat(300) } }],
      stop: "max_tokens",
    },
    "claude-sonnet-4-6",
    usage,
    1,
  );
  const last = frames.findLastIndex((frame) => frame.includes("input_json_delta"));
  llm.enqueue(
    reply.raw(frames.toSpliced(last, 1).join("")),
    reply.text("I will write it in two parts."),
    reply.text("Writing a big file"),
  );
  const events = await drain(t.agent.run("write big.txt"));
  const [end] = ofType(events, "tool-end");
  assert.equal(end.outcome.isError, true);
  assert.match(
    end.outcome.text,
    /output limit \(4,096 tokens\) before these arguments were complete/,
  );
  assert.match(end.outcome.text, /file_edit to add the rest/);
  assert.equal(ofType(events, "final")[0].text, "I will write it in two parts.");
  await assert.rejects(Deno.stat(`${t.project.root}/big.txt`), Deno.errors.NotFound);
});

Deno.test("text of white space only never reaches the provider: a blank message is refused, a blank reply left out", async () => {
  await using llm = await startFakeLlm();
  await using t = await openTestAgent(llm, { files: { "a.txt": "alpha\n" } });
  const blank = await drain(t.agent.run(" \n\t"));
  assert.deepEqual(ofType(blank, "error").map((e) => e.error.code), ["USAGE"]);
  assert.match(ofType(blank, "error")[0].error.message, /the message is empty/);
  assert.equal(llm.requests.length, 0);
  assert.equal(t.agent.sessionId, undefined, "no session for nothing");
  // As Anthropic's API does: a text block of white space only fails the whole request.
  type Body = { messages: { content: string | { type: string; text?: string }[] }[] };
  const strict = (answer: FakeReply) =>
    unlessRefused(
      (body: Body) =>
        body.messages.some((m) =>
            typeof m.content === "string"
              ? !/\S/.test(m.content)
              : m.content.some((b) => b.type === "text" && !/\S/.test(b.text!))
          )
          ? "messages: text content blocks must contain non-whitespace text"
          : undefined,
      answer,
    );
  llm.enqueue(
    reply.toolCall("file_read", { path: "a.txt" }, { text: "\n\n" }),
    strict(reply.text("\n")),
    reply.text("Reading a file"),
    strict(reply.text("It says alpha.")),
  );
  assert.equal(ofType(await drain(t.agent.run("read a.txt")), "final")[0].reason, "final");
  const events = await drain(t.agent.run("and?"));
  assert.deepEqual(ofType(events, "final").map((e) => [e.reason, e.text]), [
    ["final", "It says alpha."],
  ]);
});
