// `loom sessions`: list with dates, titles, models and costs; show; rm. Sessions are made by
// real one-shot runs against the fake provider.
import assert from "node:assert/strict";
import { runLoom } from "./_lib/cli.ts";
import { reply, startFakeLlm } from "./_lib/fake_llm.ts";
import { kindOf } from "./_lib/agent_script.ts";
import { createTempProject } from "./_lib/project.ts";
import { holdSession } from "./_lib/session_holder.ts";
import { DatabaseSync } from "node:sqlite";
import { tempHome } from "./_lib/home.ts";

Deno.test("loom sessions lists, shows and removes sessions with their titles, models and costs", async () => {
  const titles = ["Greeting the assistant", "Asking about kiwis"];
  const answers = ["Hello there.", "Kiwis are birds."];
  await using llm = await startFakeLlm({
    fallback: (request) =>
      reply.text((kindOf(request) === "title" ? titles : answers).shift() ?? "(none)"),
  });
  await using project = await createTempProject();
  const home = await tempHome();
  const env = llm.env();
  const ids: string[] = [];
  for (const question of ["say hello", "what is a kiwi?"]) {
    const run = await runLoom(["-p", question, "--output-format", "json"], {
      cwd: project.root,
      home,
      env,
    });
    assert.equal(run.code, 0, run.stderr);
    ids.push(JSON.parse(run.stdout).sessionId);
  }

  const list = await runLoom(["sessions"], { cwd: project.root, home, env });
  assert.equal(list.code, 0, list.stderr);
  const rows = list.stdout.trim().split("\n");
  assert.match(rows[0], /^ID\s+UPDATED \(UTC\)\s+MODEL\s+COST\s+TITLE$/);
  assert.equal(rows.length, 3);
  assert.match(rows[1], new RegExp(`^${ids[1].slice(0, 8)}\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d`));
  assert.match(rows[1], /anthropic:claude-sonnet-4-6\s+\$0\.\d{4}\s+Asking about kiwis$/);
  assert.ok(rows[2].startsWith(ids[0].slice(0, 8)));

  const json = await runLoom(["sessions", "list", "--json"], { cwd: project.root, home, env });
  const listed = JSON.parse(json.stdout);
  assert.deepEqual(listed.map((s: { id: string }) => s.id), [ids[1], ids[0]]);
  assert.deepEqual(listed.map((s: { title: string }) => s.title), [
    "Asking about kiwis",
    "Greeting the assistant",
  ]);
  assert.ok(listed.every((s: { costUsd: number }) => s.costUsd > 0));

  const show = await runLoom(["sessions", "show", ids[1].slice(0, 8)], {
    cwd: project.root,
    home,
    env,
  });
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, new RegExp(`^Session ${ids[1]}`));
  assert.match(show.stdout, /model {4}anthropic:claude-sonnet-4-6/);
  assert.match(show.stdout, /user:\n {2}what is a kiwi\?\nassistant:\n {2}Kiwis are birds\./);

  const rm = await runLoom(["sessions", "rm", ids[0]], { cwd: project.root, home, env });
  assert.equal(rm.code, 0, rm.stderr);
  assert.match(rm.stdout, new RegExp(`Removed session ${ids[0]}`));
  const after = await runLoom(["sessions", "--json"], { cwd: project.root, home, env });
  assert.deepEqual(JSON.parse(after.stdout).map((s: { id: string }) => s.id), [ids[1]]);

  const gone = await runLoom(["sessions", "show", ids[0]], { cwd: project.root, home, env });
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /no such session; list them with 'loom sessions'/);
  const bad = await runLoom(["sessions", "frob"], { cwd: project.root, home, env });
  assert.equal(bad.code, 2);
  await Deno.remove(home, { recursive: true });
});

Deno.test("loom sessions on a project without sessions says how to start one", async () => {
  await using project = await createTempProject();
  const home = await tempHome();
  const run = await runLoom(["sessions"], { cwd: project.root, home });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, "No sessions yet; start one with 'loom'\n");
  await Deno.remove(home, { recursive: true });
});

Deno.test("loom --continue while another Loom uses the session goes on in a copy and says so; rm refuses it", async () => {
  await using s = await greetedSession();
  const { project, opts, id } = s;
  {
    await using _other = await holdSession(`${project.root}/.loom/loom.db`, id);
    const next = await runLoom(
      ["-p", "still there?", "--continue", "--output-format", "json"],
      opts,
    );
    assert.equal(next.code, 0, next.stderr);
    const copy = JSON.parse(next.stdout).sessionId;
    assert.notEqual(copy, id);
    assert.match(
      next.stderr,
      new RegExp(
        `session ${id} is in use by another Loom: continuing in a copy of it, session ${copy}`,
      ),
    );
    const rm = await runLoom(["sessions", "rm", id], opts);
    assert.equal(rm.code, 1);
    assert.match(rm.stderr, /another Loom is using it/);
  }
  const show = await runLoom(["sessions", "show", id], opts);
  assert.equal(show.code, 0, show.stderr);
  assert.doesNotMatch(show.stdout, /still there/);
  const rm = await runLoom(["sessions", "rm", id], opts);
  assert.equal(rm.code, 0, rm.stderr);
});

Deno.test("loom --continue of a session with a damaged message leaves it out, says so, and goes on", async () => {
  await using s = await greetedSession();
  const { llm, project, opts, id } = s;
  // A disk fault, or a hand edit: the first message is no longer JSON.
  const db = new DatabaseSync(`${project.root}/.loom/loom.db`);
  db.prepare("UPDATE agent_messages SET content = '{\"role\":' WHERE session_id = ? AND seq = 1")
    .run(id);
  db.close();
  const next = await runLoom(["-p", "still there?", "--continue", "--output-format", "json"], opts);
  assert.equal(next.code, 0, next.stderr);
  assert.equal(JSON.parse(next.stdout).sessionId, id);
  assert.equal(JSON.parse(next.stdout).answer, "Still here.");
  assert.match(
    next.stderr,
    new RegExp(`session ${id}: 1 stored message could not be read \\(#1\\) and was left out`),
  );
  // What the model was sent: the answer before, then the new question.
  const sent = llm.requests.at(-1)!.body.messages.map((m: { content: { text: string }[] }) =>
    m.content[0].text
  );
  assert.deepEqual(sent, ["Hello there.", "still there?"]);
});

/**
 * A project whose one session `loom -p "say hello"` made (answered "Hello there."; the next answer
 * is "Still here."), with the fake provider and a home of its own, all removed on dispose.
 */
async function greetedSession() {
  const answers = ["Hello there.", "Still here."];
  const llm = await startFakeLlm({
    fallback: (request) =>
      reply.text(kindOf(request) === "title" ? "Greeting" : answers.shift() ?? "(none)"),
  });
  const project = await createTempProject();
  const home = await tempHome();
  const opts = { cwd: project.root, home, env: llm.env() };
  const first = await runLoom(["-p", "say hello", "--output-format", "json"], opts);
  assert.equal(first.code, 0, first.stderr);
  return {
    llm,
    project,
    opts,
    id: JSON.parse(first.stdout).sessionId as string,
    async [Symbol.asyncDispose]() {
      await Deno.remove(home, { recursive: true });
      await project[Symbol.asyncDispose]();
      await llm[Symbol.asyncDispose]();
    },
  };
}
