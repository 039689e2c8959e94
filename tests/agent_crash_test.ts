import assert from "node:assert/strict";
import { drain, ofType, openTestAgent } from "./_lib/agent.ts";
import { reply, startFakeLlm } from "./_lib/fake_llm.ts";
import { createTempProject } from "./_lib/project.ts";

Deno.test("a session killed with SIGKILL mid-tool resumes with everything before the kill", async () => {
  await using llm = await startFakeLlm();
  const project = await createTempProject({ "a.txt": "alpha\n" }, { git: true });
  llm.enqueue(
    reply.toolCall("file_read", { path: "a.txt" }, { text: "Reading first." }),
    reply.toolCall("shell", { command: "echo ready $$; sleep 60" }),
  );
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("./agent_crash_child.ts", import.meta.url).pathname,
      project.root,
      llm.url,
      "read a.txt, then wait",
    ],
    stdout: "piped",
    stderr: "null",
    stdin: "null",
    env: { NO_COLOR: "1" },
  }).spawn();
  let group = 0;
  for await (const line of linesOf(child.stdout)) {
    const event = JSON.parse(line);
    const ready = event.type === "tool-progress" && /ready (\d+)/.exec(event.update.message ?? "");
    if (ready) {
      group = Number(ready[1]);
      child.kill("SIGKILL");
      break;
    }
  }
  assert.equal((await child.status).signal, "SIGKILL");
  // The shell the child started runs on in its own group: end it.
  assert.ok(group > 0);
  Deno.kill(-group, "SIGKILL");

  await using t = await openTestAgent(llm, {
    project,
    agent: { session: { continueLatest: true } },
  });
  const messages = t.agent.messages();
  assert.deepEqual(messages.map((m) => m.role), ["user", "assistant", "tool", "assistant", "tool"]);
  assert.equal(messages[0].content, "read a.txt, then wait");
  const readResult = (messages[2].content as { content: string }[])[0].content;
  assert.match(readResult, /alpha/);
  const interrupted = (messages[4].content as { content: string; isError?: boolean }[])[0];
  assert.equal(interrupted.isError, true);
  assert.match(interrupted.content, /Loom stopped while it ran/);
  const id = t.agent.sessionId!;
  assert.deepEqual(t.agent.store.toolCalls(id).map((c) => [c.name, c.output === null]), [
    ["file_read", false],
    ["shell", true],
  ]);
  assert.equal(t.agent.costs()!.total.calls, 2, "both model calls before the kill were costed");

  llm.enqueue(reply.text("The wait was interrupted; a.txt says alpha."), reply.text("Wait test"));
  const events = await drain(t.agent.run("go on"));
  assert.equal(ofType(events, "final")[0].text, "The wait was interrupted; a.txt says alpha.");
  const sent = llm.requests.filter((r) => r.body.tools).at(-1)!.body.messages;
  assert.equal(sent[0].content[0].text, "read a.txt, then wait");
  assert.equal(sent.length, 5);
  assert.equal(sent.at(-1).content.at(-1).text, "go on");
});

async function* linesOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let buffer = "";
  const decoder = new TextDecoder();
  for await (const bytes of stream) {
    buffer += decoder.decode(bytes, { stream: true });
    let nl;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      yield buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
    }
  }
}
