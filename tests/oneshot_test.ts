// `loom "question"` and `loom -p`: real subprocesses against the fake provider; the JSON modes
// are checked by parsing what they print.
import assert from "node:assert/strict";
import { runLoom } from "./_lib/cli.ts";
import { type RecordedRequest, reply, startFakeLlm } from "./_lib/fake_llm.ts";
import { kindOf, scriptedAgent, sentText } from "./_lib/agent_script.ts";
import { createTempProject } from "./_lib/project.ts";
import { tempHome } from "./_lib/home.ts";

const turns = (requests: RecordedRequest[]) => requests.filter((r) => kindOf(r) === "turn");

Deno.test("loom -p --output-format json prints one object with the answer, session, usage, cost and tool calls", async () => {
  await using llm = await startFakeLlm({
    fallback: scriptedAgent([
      reply.toolCall("file_read", { path: "a.txt" }),
      reply.text("It says alpha."),
    ], { title: "Reading a.txt" }),
  });
  await using project = await createTempProject({ "a.txt": "alpha\n" }, { git: true });
  const run = await runLoom(["-p", "what does a.txt say?", "--output-format", "json"], {
    cwd: project.root,
    home: await tempHome(),
    env: { ...llm.env(), LOOM_SANDBOX_MODE: "off" },
  });
  assert.equal(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  assert.equal(result.answer, "It says alpha.");
  assert.equal(result.reason, "final");
  assert.equal(result.title, "Reading a.txt");
  assert.match(result.sessionId, /^[0-9a-f-]{36}$/);
  assert.ok(result.usage.output > 0 && result.costUsd > 0);
  assert.deepEqual(
    result.toolCalls.map((c: { name: string; input: unknown; isError: boolean }) => [
      c.name,
      c.input,
      c.isError,
    ]),
    [["file_read", { path: "a.txt" }, false]],
  );
  // The tool really ran: its result went back to the model.
  assert.match(sentText(turns(llm.requests)[1]), /alpha/);
  // A clean exit leaves everything in the database and no session journal behind.
  const journals = [...Deno.readDirSync(`${project.root}/.loom/loom.db.journal.d`)];
  assert.deepEqual(journals.map((e) => e.name), []);
  const sessions = await runLoom(["sessions", "--json"], {
    cwd: project.root,
    home: await tempHome(),
    env: llm.env(),
  });
  assert.equal(sessions.code, 0, sessions.stderr);
  assert.match(sessions.stdout, new RegExp(result.sessionId));
});

Deno.test("loom -p --output-format stream-json prints the agent's events, one JSON object per line", async () => {
  await using llm = await startFakeLlm({
    fallback: scriptedAgent([reply.toolCall("directory_list", {}), reply.text("Two files.")]),
  });
  await using project = await createTempProject({ "a.txt": "a\n", "b.txt": "b\n" });
  const run = await runLoom(["-p", "list the files", "--output-format", "stream-json"], {
    cwd: project.root,
    home: await tempHome(),
    env: llm.env(),
  });
  assert.equal(run.code, 0, run.stderr);
  const events = run.stdout.trim().split("\n").map((line) => JSON.parse(line));
  const types = events.map((e) => e.type);
  assert.equal(types[0], "session");
  assert.equal(types.at(-1), "final");
  for (const t of ["step", "tool-start", "tool-end", "text-delta", "usage", "title"]) {
    assert.ok(types.includes(t), `a ${t} event in ${types.join(", ")}`);
  }
  assert.ok(types.indexOf("tool-start") < types.indexOf("tool-end"));
  const end = events.find((e) => e.type === "tool-end");
  assert.match(end.outcome.text, /a\.txt/);
  assert.equal(events.at(-1).text, "Two files.");
});

Deno.test("piped input is put ahead of the question, and text mode prints only the answer", async () => {
  await using llm = await startFakeLlm({ fallback: scriptedAgent([reply.text("Looks fine.")]) });
  await using project = await createTempProject();
  const diff = "diff --git a/x b/x\n+added line\n";
  const run = await runLoom(["-p", "review this"], {
    cwd: project.root,
    home: await tempHome(),
    env: llm.env(),
    stdin: diff,
  });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, "Looks fine.\n");
  const sent = turns(llm.requests)[0].body.messages[0].content;
  const text = typeof sent === "string" ? sent : sent.map((p: { text: string }) => p.text).join("");
  assert.equal(text, `<stdin>\n${diff.trimEnd()}\n</stdin>\n\nreview this`);
});

Deno.test("a one-shot question runs without -p, and a call that would ask is denied when nobody can answer", async () => {
  await using llm = await startFakeLlm({
    fallback: scriptedAgent([
      reply.toolCall("file_write", { path: "new.txt", content: "x" }),
      reply.text("I could not write it."),
    ]),
  });
  await using project = await createTempProject();
  const run = await runLoom(["please write new.txt", "--output-format", "json"], {
    cwd: project.root,
    home: await tempHome(),
    env: llm.env(),
  });
  assert.equal(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  assert.equal(result.toolCalls[0].code, "DENIED");
  assert.equal(result.answer, "I could not write it.");
  await assert.rejects(Deno.stat(project.path("new.txt")), Deno.errors.NotFound);
});

Deno.test("--model picks the provider, and --continue carries the conversation on", async () => {
  await using llm = await startFakeLlm({
    fallback: scriptedAgent([reply.text("First answer."), reply.text("Second answer.")]),
  });
  await using project = await createTempProject();
  const home = await tempHome();
  const first = await runLoom(["-p", "remember the word kumquat", "--model", "openai:gpt-5"], {
    cwd: project.root,
    home,
    env: llm.env(),
  });
  assert.equal(first.code, 0, first.stderr);
  assert.equal(turns(llm.requests)[0].api, "openai");
  const second = await runLoom(["-p", "which word?", "--continue", "--output-format", "json"], {
    cwd: project.root,
    home,
    env: llm.env(),
  });
  assert.equal(second.code, 0, second.stderr);
  const last = turns(llm.requests).at(-1)!;
  assert.match(sentText(last), /kumquat/);
  assert.match(sentText(last), /First answer/);
});

Deno.test("a missing key, an unknown provider and a missing question say what to do, with exit codes 1 and 2", async () => {
  await using project = await createTempProject();
  const home = await tempHome();
  const env = { ANTHROPIC_API_KEY: "", OPENAI_API_KEY: "" };
  const noKey = await runLoom(["-p", "hello"], { cwd: project.root, home, env });
  assert.equal(noKey.code, 1);
  assert.match(noKey.stderr, /ANTHROPIC_API_KEY is not set; export it/);
  const openai = await runLoom(["-p", "hello", "--model", "openai:gpt-5"], {
    cwd: project.root,
    home,
    env,
  });
  assert.equal(openai.code, 1);
  assert.match(openai.stderr, /OPENAI_API_KEY is not set/);
  const unknown = await runLoom(["-p", "hello", "--model", "nosuch:model"], {
    cwd: project.root,
    home,
    env,
  });
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no provider named "nosuch".*\[providers\.nosuch\] base_url/);
  const badModel = await runLoom(["-p", "hello", "--model", "gpt-5"], {
    cwd: project.root,
    home,
    env,
  });
  assert.equal(badModel.code, 2);
  assert.match(badModel.stderr, /expected provider:model/);
  const empty = await runLoom(["-p"], { cwd: project.root, home, env });
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /no question given/);
  const format = await runLoom(["-p", "x", "--output-format", "yaml"], {
    cwd: project.root,
    home,
    env,
  });
  assert.equal(format.code, 2);
});

Deno.test("an unknown model in the catalog runs with a warning naming the config key", async () => {
  await using llm = await startFakeLlm({ fallback: scriptedAgent([reply.text("ok")]) });
  await using project = await createTempProject();
  const run = await runLoom(["-p", "hi", "--model", "anthropic:claude-future-9"], {
    cwd: project.root,
    home: await tempHome(),
    env: llm.env(),
  });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /\[models\."anthropic:claude-future-9"\]/);
});

Deno.test("a provider failure ends the one-shot with exit code 1 and the error on stderr", async () => {
  await using llm = await startFakeLlm({
    fallback: scriptedAgent([reply.httpError(401, "invalid x-api-key")]),
  });
  await using project = await createTempProject();
  const run = await runLoom(["-p", "hi"], {
    cwd: project.root,
    home: await tempHome(),
    env: llm.env(),
  });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /invalid x-api-key|401/);
});

Deno.test("an answer cut off at the output limit says so on stderr and exits 1", async () => {
  await using llm = await startFakeLlm({
    fallback: scriptedAgent([{ ...reply.text("The first half of"), stop: "max_tokens" }]),
  });
  await using project = await createTempProject();
  const run = await runLoom(["-p", "explain everything"], {
    cwd: project.root,
    home: await tempHome(),
    env: llm.env(),
  });
  assert.equal(run.code, 1);
  assert.equal(run.stdout, "The first half of\n");
  assert.match(
    run.stderr,
    /Cut off: the reply reached its output limit; ask to go on, or raise \[context\] reserved_output_tokens \(reasoning_output_tokens for a model that reasons\)/,
  );
});

Deno.test("a reply the provider stops (a refusal, its content filter) says so on stderr and exits 1", async () => {
  for (const model of ["anthropic:claude-sonnet-4-6", "openai:gpt-5"]) {
    await using llm = await startFakeLlm({
      fallback: scriptedAgent([{ ...reply.text("I can"), stop: "refusal" }]),
    });
    await using project = await createTempProject();
    const run = await runLoom(["-p", "something", "--model", model], {
      cwd: project.root,
      home: await tempHome(),
      env: llm.env(),
    });
    assert.equal(run.code, 1, model);
    assert.match(run.stderr, /Refused: the provider stopped the reply/, model);
  }
});
