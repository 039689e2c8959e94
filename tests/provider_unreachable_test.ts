// An unreachable provider fails fast and says why; while `loom -p` retries, stderr says so.
// Real `loom` subprocesses against a closed port, a blocked port and the fake provider.
import assert from "node:assert/strict";
import { runLoom } from "./_lib/cli.ts";
import { reply, startFakeLlm } from "./_lib/fake_llm.ts";
import { scriptedAgent } from "./_lib/agent_script.ts";
import { createTempProject } from "./_lib/project.ts";
import { tempHome } from "./_lib/home.ts";

/** Far above a prompt failure, well below the 21 s five backed-off attempts took. */
const DEADLINE_MS = 15_000;

/** A base URL on 127.0.0.1 where nothing listens: a port that was free a moment ago. */
function closedBaseURL(): string {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return `http://127.0.0.1:${port}`;
}

async function ask(args: string[], env: Record<string, string>) {
  await using project = await createTempProject();
  return await runLoom(args, {
    cwd: project.root,
    home: await tempHome(),
    env: { ANTHROPIC_API_KEY: "test-key", ...env },
    signal: AbortSignal.timeout(DEADLINE_MS),
  });
}

Deno.test("loom -p with nothing listening at ANTHROPIC_BASE_URL retries once, says so, and exits 1 naming the URL", async () => {
  const base = closedBaseURL();
  const run = await ask(["-p", "hi", "--model", "anthropic:claude-sonnet-4-6"], {
    ANTHROPIC_BASE_URL: base,
  });
  assert.equal(run.code, 1, run.stderr);
  assert.equal(run.stdout, "");
  const lines = run.stderr.trimEnd().split("\n");
  const why =
    `nothing is listening at ${base} (connection refused); check the network or ANTHROPIC_BASE_URL`;
  assert.deepEqual(lines.filter((l) => l.startsWith("Retrying")), [
    `Retrying in 0.5 s (attempt 2 of 2): Cannot call "anthropic:claude-sonnet-4-6": ${why}`,
  ]);
  assert.equal(
    lines.at(-1),
    `Cannot call "anthropic:claude-sonnet-4-6": ${why}; gave up after 2 attempts`,
  );
});

Deno.test("loom -p against a blocked port fails at once without retrying", async () => {
  const run = await ask(["-p", "hi"], { ANTHROPIC_BASE_URL: "http://127.0.0.1:1" });
  assert.equal(run.code, 1, run.stderr);
  assert.doesNotMatch(run.stderr, /Retrying/);
  assert.match(
    run.stderr,
    /Cannot call "anthropic:[^"]+": cannot connect to http:\/\/127\.0\.0\.1:1 \(Requests to port 1 are blocked\); check the network or ANTHROPIC_BASE_URL\n$/,
  );
});

Deno.test("loom -p --output-format json keeps stdout one JSON object and prints no retry lines", async () => {
  const base = closedBaseURL();
  const run = await ask(["-p", "hi", "--output-format", "json"], { ANTHROPIC_BASE_URL: base });
  assert.equal(run.code, 1, run.stderr);
  assert.doesNotMatch(run.stderr, /Retrying/);
  const result = JSON.parse(run.stdout);
  assert.equal(result.reason, "error");
  assert.match(result.errors[0].message, new RegExp(`nothing is listening at ${base} `));
});

Deno.test("loom -p prints one line per retry of a failing provider and still prints the answer", async () => {
  await using llm = await startFakeLlm({
    fallback: scriptedAgent([reply.httpError(503, "busy"), reply.text("Recovered.")]),
  });
  const run = await ask(["-p", "hi"], llm.env());
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, "Recovered.\n");
  assert.match(
    run.stderr,
    /^Retrying in \d\.\d s \(attempt 2 of 5\): Cannot call "anthropic:[^"]+": provider error 503 \(busy\)\n$/m,
  );
  assert.equal(run.stderr.match(/Retrying/g)?.length, 1);
});
