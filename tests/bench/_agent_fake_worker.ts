// The agent benchmark's fake provider, in a Worker: its parsing, cache accounting and garbage stay
// off the agent's thread, so none of it lands in what the benchmark counts as Loom's overhead.
import { type RecordedRequest, reply, startFakeLlm } from "../_lib/fake_llm.ts";

/** What the worker reports per request: whether it was a main call (with tools), and its usage. */
export interface ServedRequest {
  main: boolean;
  input: number;
  cacheRead: number;
  cacheWrite: number;
  /** When the whole request had arrived (`performance.timeOrigin + performance.now()`). */
  receivedAt: number;
}

const FILES = Number(new URL(import.meta.url).searchParams.get("files") ?? 12);
const isNewTurn = (r: RecordedRequest) => {
  const last = r.body.messages.at(-1);
  return !JSON.stringify(last.content).includes("tool_result");
};
const llm = await startFakeLlm({
  fallback: (r) => {
    if (!r.body.tools) return reply.text("Benchmark session");
    if (!isNewTurn(r)) return reply.text("The file defines thirty small functions.", { chunks: 4 });
    const n = r.body.messages.length;
    return reply.toolCall("file_read", { path: `src/mod_${n % FILES}.ts` }, { text: "Reading." });
  },
});

// deno-lint-ignore no-explicit-any
const port = self as any;
port.onmessage = async (event: MessageEvent<string>) => {
  if (event.data === "take") {
    const served: ServedRequest[] = llm.requests.map((r) => ({
      main: Boolean(r.body.tools),
      input: r.usage?.input ?? 0,
      cacheRead: r.usage?.cacheRead ?? 0,
      cacheWrite: r.usage?.cacheWrite ?? 0,
      receivedAt: r.receivedAt,
    }));
    llm.requests.length = 0;
    port.postMessage({ served });
  } else if (event.data === "close") {
    await llm.close();
    port.postMessage({ closed: true });
  }
};
port.postMessage({ env: llm.env() });
