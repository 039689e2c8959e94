// A session writer in its own process for the journal tests: journals its writes, then freezes
// (a synchronous wait: the event loop never runs again, so nothing reaches SQLite after the
// commit point) until the test kills it.
// Usage: deno run -A tests/agent_journal_child.ts ROOT MODE   (MODE: fresh | half-applied)
import { openAgentDatabase, SessionStore } from "../src/agent/mod.ts";

const [root, mode] = Deno.args;
const db = openAgentDatabase(root);
const store = new SessionStore(db, { writeBehind: true });
const session = store.create({ model: "anthropic:claude-sonnet-4-6" });
const usage = { input: 10, output: 5, cacheRead: 0, cacheWrite: 0 };
const charge = (step: number) =>
  store.recordUsage(session.id, {
    step,
    role: "main",
    model: "anthropic:claude-sonnet-4-6",
    usage,
    costUsd: 0.5,
  });
if (mode === "half-applied") {
  store.append(session.id, { role: "user", content: "applied before the kill" });
  charge(1);
  store.checkpoint();
  await store.settled();
}
store.touch(session.id);
store.append(session.id, { role: "user", content: "journaled, never applied" });
store.toolStarted(session.id, {
  type: "tool_use",
  id: "call_1",
  name: "shell",
  input: { command: "true" },
});
charge(2);
store.checkpoint();
console.log(JSON.stringify({ session: session.id }));
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
