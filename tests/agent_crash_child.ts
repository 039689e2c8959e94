// A session in its own process, for the crash test: prints each event as a JSON line.
// Usage: deno run -A tests/agent_crash_child.ts ROOT FAKE_URL "request"
import { createAgent, openAgentDatabase } from "../src/agent/mod.ts";
import { createModel } from "../src/llm/mod.ts";
import { openToolHost } from "../src/tools/host.ts";

const [root, url, input] = Deno.args;
const env = {
  ANTHROPIC_BASE_URL: url,
  ANTHROPIC_API_KEY: "sk-ant-fake",
  LOOM_SEARCH_ENGINE: "builtin",
};
const home = await Deno.makeTempDir({ prefix: "loom-home-" });
const opened = await openToolHost({
  root,
  home,
  env: { ...Deno.env.toObject(), ...env },
  flags: { sandbox: { mode: "off" }, permissions: { auto_approve: true } },
});
const agent = await createAgent({
  model: createModel("anthropic:claude-sonnet-4-6", { env, retry: { maxRetries: 0 } }),
  host: opened.host,
  db: openAgentDatabase(root),
  os: "linux",
});
for await (const event of agent.run(input)) console.log(JSON.stringify(event));
