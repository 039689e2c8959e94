// A floor for the agent benchmark: the same scripted session (2 model calls and 1 file read per
// turn, the same fake provider in a Worker, the same clock on the SDK) driven by a bare loop on
// the Anthropic SDK, with none of Loom: no session store, no events, no retries or idle
// timeouts, no permission checks, no token budget. What it spends outside the SDK and the file
// read is the least any agent on this SDK spends; agent_bench.ts reports Loom's own.
// `--naive` serialises the whole request with JSON.stringify at every call, as a simple agent
// would; by default each message's JSON is made once and the body is one string of them.
// Run: NO_COLOR=1 deno run --allow-all tests/bench/agent_floor.ts [--turns 100] [--naive]
import Anthropic from "@anthropic-ai/sdk";
import { benchFiles, median, timeSdk, workerFake } from "./_agent_harness.ts";

const turns = Number(Deno.args[Deno.args.indexOf("--turns") + 1]) || 100;
const naive = Deno.args.includes("--naive");
const FILES = 12;

const dir = await Deno.makeTempDir({ prefix: "loom-agent-floor-" });
for (const [path, text] of Object.entries(benchFiles(FILES))) {
  await Deno.mkdir(`${dir}/${path.slice(0, path.lastIndexOf("/"))}`, { recursive: true });
  await Deno.writeTextFile(`${dir}/${path}`, text);
}
const fake = await workerFake(FILES);
const clock = { modelMs: 0 };
timeSdk(clock, []);
const client = new Anthropic({
  apiKey: fake.env.ANTHROPIC_API_KEY,
  baseURL: fake.env.ANTHROPIC_BASE_URL,
  maxRetries: 0,
  logLevel: "off",
});
const post = (body: string) =>
  (client as unknown as { post(path: string, options: unknown): Promise<AsyncIterable<Event>> })
    .post("/v1/messages", { body, headers: { "content-type": "application/json" }, stream: true });

interface Event {
  type: string;
  content_block?: { type: string; id?: string; name?: string };
  delta?: { type: string; text?: string; partial_json?: string };
}
type Block =
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> }
  | { type: "tool_result"; tool_use_id: string; content: string };
interface Message {
  role: "user" | "assistant";
  content: string | Block[];
}

// A prompt and tools of about the size Loom sends (some 15,000 tokens at turn 1).
const ephemeral = { type: "ephemeral" };
const system = [{
  type: "text",
  text: "You are a coding assistant. ".repeat(780),
  cache_control: ephemeral,
}];
const tools = Array.from({ length: 12 }, (_, i) => ({
  name: i === 0 ? "file_read" : `tool_${i}`,
  description: "Reads, writes or searches the project. ".repeat(14),
  input_schema: { type: "object", properties: { path: { type: "string" } }, required: ["path"] },
  ...(i === 11 ? { cache_control: ephemeral } : {}),
}));
const request = { model: "claude-sonnet-4-6", max_tokens: 8192, stream: true, system, tools };
const head = JSON.stringify(request).slice(0, -1) + ',"messages":[';
const messages: Message[] = [];
const json: string[] = [];
const body = () => {
  if (naive) return JSON.stringify({ ...request, messages });
  for (let i = json.length; i < messages.length; i++) json.push(JSON.stringify(messages[i]));
  return head + json.join(",") + "]}";
};

const overhead: number[] = [];
const sent: number[] = [];
for (let turn = 1; turn <= turns; turn++) {
  const before = clock.modelMs;
  let toolMs = 0;
  const t0 = performance.now();
  messages.push({ role: "user", content: `Turn ${turn}: what is in the next file?` });
  for (;;) {
    const content: Block[] = [];
    let args = "";
    for await (const event of await post(body())) {
      if (event.type === "content_block_start") {
        const block = event.content_block!;
        content.push(
          block.type === "tool_use"
            ? { type: "tool_use", id: block.id!, name: block.name!, input: {} }
            : { type: "text", text: "" },
        );
      } else if (event.type === "content_block_delta") {
        const last = content[content.length - 1];
        if (last.type === "text") last.text += event.delta!.text ?? "";
        else args += event.delta!.partial_json ?? "";
      }
    }
    const call = content.find((b) => b.type === "tool_use");
    if (call) call.input = JSON.parse(args || "{}");
    messages.push({ role: "assistant", content });
    if (!call) break;
    const r0 = performance.now();
    const text = await Deno.readTextFile(`${dir}/${call.input.path}`);
    toolMs += performance.now() - r0;
    messages.push({
      role: "user",
      content: [{ type: "tool_result", tool_use_id: call.id, content: text }],
    });
  }
  overhead.push(performance.now() - t0 - (clock.modelMs - before) - toolMs);
  const served = await fake.take();
  sent.push(served.reduce((s, r) => s + r.input + r.cacheRead + r.cacheWrite, 0));
}

const fmt = (x: number) => x.toFixed(3);
console.log(
  `agent floor: a bare loop on the SDK, ${turns} turns, 2 model calls + 1 file read per turn, ` +
    (naive ? "the whole request stringified per call" : "each message's JSON made once"),
);
for (const turn of [10, 100].filter((n) => n <= turns)) {
  console.log(
    `overhead per turn at turn ${turn}: ${fmt(overhead[turn - 1])} ms (median of turns ${
      turn - 4
    }-${turn}: ${fmt(median(overhead.slice(turn - 5, turn)))} ms)`,
  );
}
console.log(`tokens sent per turn: turn 1 ${sent[0]}, turn ${turns} ${sent[turns - 1]}`);
await fake.close();
await Deno.remove(dir, { recursive: true });
