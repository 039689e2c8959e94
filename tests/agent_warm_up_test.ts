// Warming up: rehearsed turns run the agent's whole turn on the model's rehearsal, and leave
// nothing behind: no request to the provider, no session, no file.
import assert from "node:assert/strict";
import { warmUp } from "../src/agent/mod.ts";
import type { LanguageModel } from "../src/core/mod.ts";
import { openAgentSetup } from "../src/cli/_agent_setup.ts";
import { openTestAgent } from "./_lib/agent.ts";
import { startFakeLlm } from "./_lib/fake_llm.ts";
import { tempHome } from "./_lib/home.ts";

/** Records the temp directories made while `work` runs (this test file's isolate only). */
async function tempDirsDuring<T>(work: () => Promise<T>): Promise<{ value: T; dirs: string[] }> {
  const make = Deno.makeTempDir;
  const dirs: string[] = [];
  Deno.makeTempDir = async (options) => {
    const dir = await make(options);
    dirs.push(dir);
    return dir;
  };
  try {
    return { value: await work(), dirs };
  } finally {
    Deno.makeTempDir = make;
  }
}

const exists = (path: string) => Deno.stat(path).then(() => true, () => false);

Deno.test("warming up rehearses whole turns, sending nothing and leaving no session or file", async () => {
  await using llm = await startFakeLlm();
  await using t = await openTestAgent(llm, { files: { "a.ts": "export const a = 1;\n" } });
  const model = t.model("anthropic:claude-sonnet-4-6");
  // Every rehearsed turn goes through the model's rehearsal: count what reaches it.
  let calls = 0;
  const counted: LanguageModel = {
    ...model,
    rehearsal: () => {
      const rehearsal = model.rehearsal!();
      return {
        ...rehearsal,
        stream: (request, options) => {
          calls++;
          return rehearsal.stream(request, options);
        },
      };
    },
  };
  const { value: turns, dirs } = await tempDirsDuring(() =>
    warmUp({ model: counted, host: t.host, turns: 3 })
  );
  assert.equal(turns, 3);
  // A turn is a call that asks for the tool, then one that answers; the first turn also titles.
  assert.equal(calls, 3 * 2 + 1);
  assert.equal(llm.requests.length, 0);
  assert.deepEqual(t.agent.store.list({ limit: 10 }), []);
  // Nothing in the project changed (its .loom directory ignores itself), and no journal was made.
  assert.equal((await t.project.git("status", "--porcelain")).trim(), "");
  assert.equal(await exists(t.project.path(".loom/loom.db.journal.d")), false);
  // Its session lived in memory: not even a temp directory.
  assert.deepEqual(dirs, []);
});

Deno.test("warming up stops at once when its signal aborts, and a model without a rehearsal skips it", async () => {
  await using llm = await startFakeLlm();
  await using t = await openTestAgent(llm);
  const stop = new AbortController();
  stop.abort();
  const { value, dirs } = await tempDirsDuring(() =>
    warmUp({ model: t.model("openai:gpt-5"), host: t.host, signal: stop.signal })
  );
  assert.equal(value, 0);
  assert.deepEqual(dirs, []);
  const bare: LanguageModel = { ...t.model("openai:gpt-5"), rehearsal: undefined };
  assert.equal(await warmUp({ model: bare, host: t.host }), 0);
  assert.equal(llm.requests.length, 0);
});

Deno.test("the REPL's setup warms up its current model", async () => {
  await using llm = await startFakeLlm();
  await using t = await openTestAgent(llm);
  using setup = await openAgentSetup({
    root: t.project.root,
    home: await tempHome(),
    env: { ...llm.env(), LOOM_SEARCH_ENGINE: "builtin" },
  });
  const turns = await setup.warmUp(new AbortController().signal);
  assert.equal(turns, 30);
  assert.equal(llm.requests.length, 0);
});
