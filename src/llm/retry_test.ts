import assert from "node:assert/strict";
import { type PushableParts, pushParts, type StreamPart } from "../core/mod.ts";
import { collect, type FakeReply, reply, startFakeLlm, textOf } from "../../tests/_lib/fake_llm.ts";
import { createModel } from "./mod.ts";
import { backoff, type RetryPolicy } from "./retry.ts";

const APIS = [["anthropic", "anthropic:claude-sonnet-4-6"], ["openai", "openai:gpt-5"]] as const;
const ASK = { messages: [{ role: "user" as const, content: "hello" }] };

/** A policy that records each backoff delay instead of waiting it out. */
function recordingPolicy(extra: RetryPolicy = {}) {
  const slept: number[] = [];
  const policy: RetryPolicy = {
    random: () => 0,
    sleep: (ms) => {
      slept.push(ms);
      return Promise.resolve();
    },
    ...extra,
  };
  return { slept, policy };
}

const errorOf = (parts: StreamPart[]) => {
  const last = parts.at(-1);
  assert.equal(last?.type, "error", `expected an error part, got ${JSON.stringify(last)}`);
  return last.type === "error" ? last.error : assert.fail();
};

const RETRIED: [string, FakeReply][] = [
  ["a 429 rate limit", reply.rateLimited()],
  ["a 529 overloaded", reply.overloaded()],
  ["an overloaded error event after HTTP 200", reply.overloadedAfter200(1)],
  ["a 500", reply.httpError(500)],
  ["a 503", reply.httpError(503)],
  ["a stream closed before its end", reply.cut(reply.text("never finished"), 1, "close")],
  ["a connection reset mid-stream", reply.cut(reply.text("never finished"), 1, "reset")],
  ["malformed SSE", reply.malformed(1)],
];

for (const [api, id] of APIS) {
  for (const [what, fault] of RETRIED) {
    Deno.test(`${api}: ${what} before any output is retried and the answer still arrives`, async () => {
      await using llm = await startFakeLlm({ replies: [fault, reply.text("recovered")] });
      const { slept, policy } = recordingPolicy();
      const parts = await collect(createModel(id, { env: llm.env(), retry: policy }), ASK);
      assert.equal(textOf(parts), "recovered");
      assert.equal(parts.filter((p) => p.type === "retry").length, 1);
      assert.equal(parts.at(-1)?.type, "finish");
      assert.equal(llm.requests.length, 2);
      assert.deepEqual(slept, [1000]);
    });
  }

  Deno.test(`${api}: an event that is not an object is a malformed stream, retried, not a failed connection`, async () => {
    const body = api === "anthropic" ? "event: message_start\ndata: null\n\n" : "data: null\n\n";
    await using llm = await startFakeLlm({ replies: [reply.raw(body), reply.raw(body)] });
    const { slept, policy } = recordingPolicy({ maxRetries: 1 });
    const parts = await collect(createModel(id, { env: llm.env(), retry: policy }), ASK);
    assert.equal(parts.filter((p) => p.type === "retry").length, 1);
    assert.deepEqual(slept, [1000]);
    assert.match(errorOf(parts).message, /the stream was malformed \(an event is null\); gave up/);
  });

  Deno.test(`${api}: retry-after is honoured as the backoff delay`, async () => {
    await using llm = await startFakeLlm({ replies: [reply.rateLimited(7), reply.text("ok")] });
    const { slept, policy } = recordingPolicy();
    const parts = await collect(createModel(id, { env: llm.env(), retry: policy }), ASK);
    assert.deepEqual(slept, [7000]);
    assert.deepEqual(parts.find((p) => p.type === "retry"), {
      type: "retry",
      attempt: 1,
      maxAttempts: 5,
      delayMs: 7000,
      reason:
        `Cannot call "${id}": rate limited (Number of request tokens has exceeded your per-minute rate limit); wait or raise your limit`,
    });
  });

  Deno.test(`${api}: a retry-after longer than a minute (a spent quota) fails at once, saying how long`, async () => {
    await using llm = await startFakeLlm({
      replies: [reply.rateLimited(3 * 3600), reply.text("ok")],
    });
    const { slept, policy } = recordingPolicy();
    const parts = await collect(createModel(id, { env: llm.env(), retry: policy }), ASK);
    assert.deepEqual(slept, []);
    assert.equal(llm.requests.length, 1);
    assert.match(
      errorOf(parts).message,
      /rate limited .*; the provider asks to wait 3 h, so Loom did not retry$/,
    );
  });

  Deno.test(`${api}: a stream cut after text was streamed is not retried`, async () => {
    await using llm = await startFakeLlm({
      replies: [
        reply.cut(reply.text("partial answer here", { chunks: 3 }), 5, "reset"),
        reply.text("second"),
      ],
    });
    const { policy } = recordingPolicy();
    const parts = await collect(createModel(id, { env: llm.env(), retry: policy }), ASK);
    assert.ok(textOf(parts).length > 0);
    assert.equal(errorOf(parts).code, "PROVIDER");
    assert.equal(llm.requests.length, 1);
    assert.equal(llm.pending(), 1);
  });

  for (
    const [status, words] of [[400, "refused the request (400)"], [
      401,
      "API key was refused (401)",
    ], [404, "does not know this model (404)"]] as const
  ) {
    Deno.test(`${api}: a ${status} fails at once with what to do`, async () => {
      await using llm = await startFakeLlm({
        replies: [reply.httpError(status, "nope"), reply.text("unused")],
      });
      const parts = await collect(
        createModel(id, { env: llm.env(), retry: recordingPolicy().policy }),
        ASK,
      );
      const error = errorOf(parts);
      assert.match(
        error.message,
        new RegExp(`^Cannot call "${id}": .*${words.replace(/[()]/g, "\\$&")}`),
      );
      assert.equal(llm.requests.length, 1);
    });
  }

  Deno.test(`${api}: retries stop at the limit and say how many attempts were made`, async () => {
    await using llm = await startFakeLlm({ fallback: () => reply.httpError(503) });
    const { slept, policy } = recordingPolicy({ maxRetries: 2 });
    const parts = await collect(createModel(id, { env: llm.env(), retry: policy }), ASK);
    assert.match(errorOf(parts).message, /provider error 503 .*; gave up after 3 attempts$/);
    assert.equal(llm.requests.length, 3);
    assert.deepEqual(slept, [1000, 2000]);
  });

  Deno.test(`${api}: nothing listening at the base URL is retried once, soon, then named with what to do`, async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const base = `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`;
    listener.close();
    const { slept, policy } = recordingPolicy();
    const env = { ANTHROPIC_API_KEY: "k", OPENAI_API_KEY: "k" };
    const baseEnv = api === "anthropic" ? "ANTHROPIC_BASE_URL" : "OPENAI_BASE_URL";
    const parts = await collect(
      createModel(id, { env: { ...env, [baseEnv]: base }, retry: policy }),
      ASK,
    );
    const retries = parts.filter((p) => p.type === "retry");
    assert.equal(retries.length, 1);
    assert.equal(retries[0].type === "retry" && retries[0].maxAttempts, 2);
    assert.deepEqual(slept, [500]);
    assert.equal(
      errorOf(parts).message,
      `Cannot call "${id}": nothing is listening at ${base} (connection refused); check the network or ${baseEnv}; gave up after 2 attempts`,
    );
  });

  Deno.test(`${api}: a blocked port is not retried at all`, async () => {
    const { slept, policy } = recordingPolicy();
    const baseEnv = api === "anthropic" ? "ANTHROPIC_BASE_URL" : "OPENAI_BASE_URL";
    const env = { ANTHROPIC_API_KEY: "k", OPENAI_API_KEY: "k", [baseEnv]: "http://127.0.0.1:1" };
    const parts = await collect(createModel(id, { env, retry: policy }), ASK);
    assert.equal(parts.filter((p) => p.type === "retry").length, 0);
    assert.deepEqual(slept, []);
    assert.match(
      errorOf(parts).message,
      /cannot connect to http:\/\/127\.0\.0\.1:1 \(.*port 1.*\); check the network or [A-Z_]+_BASE_URL$/,
    );
  });

  Deno.test(`${api}: a provider that stops answering times out and is retried`, async () => {
    await using llm = await startFakeLlm({ replies: [reply.stall(), reply.text("awake")] });
    const { policy } = recordingPolicy({ idleTimeoutMs: 150 });
    const parts = await collect(createModel(id, { env: llm.env(), retry: policy }), ASK);
    assert.equal(textOf(parts), "awake");
    const retry = parts.find((p) => p.type === "retry");
    assert.match(retry?.type === "retry" ? retry.reason : "", /stopped answering/);
  });

  Deno.test(`${api}: a provider that goes quiet mid-answer times out, not retried`, async () => {
    const answer = reply.text("partial answer here", { chunks: 3 });
    await using llm = await startFakeLlm({ replies: [reply.cut(answer, 4, "stall")] });
    const { policy, slept } = recordingPolicy({ idleTimeoutMs: 150 });
    const parts = await collect(createModel(id, { env: llm.env(), retry: policy }), ASK);
    assert.ok(textOf(parts).length > 0);
    assert.deepEqual(slept, []);
    assert.match(errorOf(parts).message, /stopped answering/);
    assert.equal(llm.requests.length, 1);
  });

  Deno.test(`${api}: a slow but steady stream outlasts the idle timeout`, async () => {
    // Events 40 ms apart for well over the 300 ms idle limit: only silence counts.
    const slow = reply.text("one two three four five six seven eight", { chunks: 12, gapMs: 40 });
    await using llm = await startFakeLlm({ replies: [slow] });
    const { policy } = recordingPolicy({ idleTimeoutMs: 300 });
    const started = performance.now();
    const parts = await collect(createModel(id, { env: llm.env(), retry: policy }), ASK);
    assert.ok(performance.now() - started > 300, "the stream should last longer than the limit");
    assert.equal(textOf(parts), "one two three four five six seven eight");
    assert.deepEqual(parts.filter((p) => p.type === "retry" || p.type === "error"), []);
  });

  Deno.test(`${api}: time the reader spends on a part is not the provider's silence`, async () => {
    await using llm = await startFakeLlm({ replies: [reply.text("held and then finished")] });
    const { policy } = recordingPolicy({ idleTimeoutMs: 100 });
    const parts: StreamPart[] = [];
    for await (const part of createModel(id, { env: llm.env(), retry: policy }).stream(ASK)) {
      // The reader is slow on its first part, for longer than the idle limit.
      if (parts.length === 0) await new Promise((resolve) => setTimeout(resolve, 250));
      parts.push(part);
    }
    assert.equal(textOf(parts), "held and then finished");
    assert.deepEqual(parts.filter((p) => p.type === "retry" || p.type === "error"), []);
  });

  Deno.test(`${api}: parts pushed to a callback are the parts iterated, through retries and errors`, async () => {
    const script = () => [
      reply.rateLimited(0),
      reply.toolCall("file_read", { path: "a.ts" }, { id: "call_1", text: "Reading." }),
      reply.httpError(400, "bad request"),
    ];
    const run = async (push: boolean) => {
      await using llm = await startFakeLlm({ replies: script() });
      const model = createModel(id, { env: llm.env(), retry: recordingPolicy().policy });
      const calls: StreamPart[][] = [];
      for (let i = 0; i < 2; i++) {
        const stream = model.stream(ASK);
        const parts: StreamPart[] = [];
        if (push) await (stream as PushableParts)[pushParts]((part) => parts.push(part));
        else for await (const part of stream) parts.push(part);
        calls.push(parts);
      }
      // Error messages name the fake's port, which differs between the two servers.
      return JSON.stringify(calls, (k, v) => (k === "error" ? v.code : v));
    };
    const pushed = await run(true);
    assert.equal(pushed, await run(false));
    assert.match(pushed, /"retry"[^]*"tool-call-end"[^]*"finish"[^]*"error"/);
  });

  Deno.test(`${api}: a callback that throws while parts are pushed cancels the call`, async () => {
    const answer = reply.text("first part and more", { chunks: 3 });
    await using llm = await startFakeLlm({ replies: [reply.cut(answer, 4, "stall")] });
    const policy = recordingPolicy({ idleTimeoutMs: 60_000 }).policy;
    const stream = createModel(id, { env: llm.env(), retry: policy }).stream(ASK);
    const failure = new Error("the reader gave up");
    let seen = 0;
    // Without the cancel this would wait out the idle minute on a provider that went quiet.
    await assert.rejects(
      (stream as PushableParts)[pushParts](() => {
        seen++;
        throw failure;
      }),
      (err) => err === failure,
    );
    assert.equal(seen, 1);
    // The request was let go: the provider sees its client gone.
    await waitFor(() => llm.stalled() === 0);
  });

  Deno.test(`${api}: aborting mid-stream ends with CANCELLED and sends nothing more`, async () => {
    await using llm = await startFakeLlm({ replies: [reply.stall(), reply.text("unused")] });
    const controller = new AbortController();
    const model = createModel(id, { env: llm.env(), retry: recordingPolicy().policy });
    const parts: StreamPart[] = [];
    const done = (async () => {
      for await (const part of model.stream(ASK, { signal: controller.signal })) parts.push(part);
    })();
    await waitFor(() => llm.requests.length === 1);
    controller.abort();
    await done;
    assert.equal(errorOf(parts).code, "CANCELLED");
    assert.equal(llm.requests.length, 1);
  });

  Deno.test(`${api}: aborting during the backoff wait ends with CANCELLED`, async () => {
    await using llm = await startFakeLlm({ replies: [reply.overloaded(), reply.text("unused")] });
    const controller = new AbortController();
    const policy: RetryPolicy = {
      sleep: (_ms, signal) => {
        controller.abort();
        return Promise.reject(signal?.reason);
      },
    };
    const parts = await collect(
      createModel(id, { env: llm.env(), retry: policy }),
      ASK,
      controller.signal,
    );
    assert.equal(errorOf(parts).code, "CANCELLED");
    assert.equal(llm.requests.length, 1);
  });
}

Deno.test("backoff doubles from the base delay, is capped, and prefers retry-after", () => {
  const policy = { baseDelayMs: 100, maxDelayMs: 500, random: () => 0 };
  assert.deepEqual([0, 1, 2, 3, 4].map((n) => backoff(n, undefined, policy)), [
    100,
    200,
    400,
    500,
    500,
  ]);
  assert.equal(backoff(0, 250, policy), 250);
  assert.equal(backoff(0, 90_000, policy), 500);
  assert.equal(backoff(1, undefined, { baseDelayMs: 100, random: () => 0.999 }), 100);
});

/** Polls a condition on the event loop (no timed sleep): resolves once it holds. */
async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 0));
}

Deno.test("Groq's tool_use_failed (a tool call it could not read, sent after HTTP 200) is retried, twice at most, and says what it was", async () => {
  const refused = (generation: string) =>
    reply.raw(
      "event: error\ndata: " + JSON.stringify({
        error: {
          message:
            "Failed to call a function. Please adjust your prompt. See 'failed_generation' for more details.",
          type: "invalid_request_error",
          code: "tool_use_failed",
          failed_generation: generation,
          status_code: 400,
        },
      }) + "\n\n",
    );
  const groq = (llm: { openaiURL: string }, policy: RetryPolicy) =>
    createModel("groq:moonshotai/kimi-k2-instruct", {
      env: { GROQ_API_KEY: "k" },
      config: { providers: { groq: { base_url: llm.openaiURL } } },
      retry: policy,
    });
  {
    await using llm = await startFakeLlm({
      replies: [refused("<function=file_read>{}</function>"), reply.text("recovered")],
    });
    const parts = await collect(groq(llm, recordingPolicy().policy), ASK);
    assert.equal(textOf(parts), "recovered");
    assert.equal(parts.filter((p) => p.type === "retry").length, 1);
  }
  await using llm = await startFakeLlm({
    fallback: () => refused("Tool use failed: JSON does not match the expected schema"),
  });
  const parts = await collect(groq(llm, recordingPolicy().policy), ASK);
  assert.equal(llm.requests.length, 3);
  assert.equal(
    errorOf(parts).message,
    'Cannot call "groq:moonshotai/kimi-k2-instruct": the model wrote a tool call the provider ' +
      "could not read (tool_use_failed) (Tool use failed: JSON does not match the expected " +
      "schema); if it keeps happening, use a model that calls tools more reliably; gave up " +
      "after 3 attempts",
  );
});

Deno.test("Gemini's 429 waits what its RetryInfo asks (no retry-after header), and a day's quota is not retried", async () => {
  const quota = (delay: string) =>
    reply.rawError(
      429,
      JSON.stringify([{
        error: {
          code: 429,
          message: "You exceeded your current quota, please check your plan and billing details.",
          status: "RESOURCE_EXHAUSTED",
          details: [
            { "@type": "type.googleapis.com/google.rpc.QuotaFailure", violations: [] },
            { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: delay },
          ],
        },
      }]),
    );
  const gemini = (llm: { openaiURL: string }, policy: RetryPolicy) =>
    createModel("google:gemini-2.5-flash", {
      env: { GEMINI_API_KEY: "k" },
      config: { providers: { google: { base_url: llm.openaiURL } } },
      retry: policy,
    });
  {
    await using llm = await startFakeLlm({ replies: [quota("37s"), reply.text("recovered")] });
    const { slept, policy } = recordingPolicy();
    const parts = await collect(gemini(llm, policy), ASK);
    assert.equal(textOf(parts), "recovered");
    assert.deepEqual(slept, [37_000]);
  }
  await using llm = await startFakeLlm({ replies: [quota("43200s")] });
  const { slept, policy } = recordingPolicy();
  const parts = await collect(gemini(llm, policy), ASK);
  assert.deepEqual(slept, []);
  assert.match(errorOf(parts).message, /the provider asks to wait 12 h, so Loom did not retry$/);
});
