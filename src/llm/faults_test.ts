import assert from "node:assert/strict";
import { connectionFault, judgeFault, parseRetryAfter } from "./faults.ts";

Deno.test("parseRetryAfter reads milliseconds, seconds and HTTP dates", () => {
  const now = Date.UTC(2030, 0, 1, 0, 0, 0);
  const table: [Record<string, string>, number | undefined][] = [
    [{ "retry-after-ms": "250" }, 250],
    [{ "retry-after": "3" }, 3000],
    [{ "retry-after": "1.5" }, 1500],
    [{ "retry-after": "Tue, 01 Jan 2030 00:00:10 GMT" }, 10_000],
    [{ "retry-after": "soon" }, undefined],
    [{}, undefined],
  ];
  for (const [headers, expected] of table) {
    assert.equal(parseRetryAfter(new Headers(headers), now), expected, JSON.stringify(headers));
  }
});

Deno.test("judgeFault retries transient faults and refuses client errors", () => {
  const table: [Parameters<typeof judgeFault>[0], boolean][] = [
    [{ kind: "http", status: 429, message: "" }, true],
    [{ kind: "http", status: 529, message: "" }, true],
    [{ kind: "stream-error", type: "overloaded_error", message: "" }, true],
    [{ kind: "stream-error", type: "invalid_request_error", message: "" }, false],
    [{ kind: "http", status: 502, message: "" }, true],
    [{ kind: "http", status: 400, message: "" }, false],
    [{ kind: "http", status: 401, message: "" }, false],
    [{ kind: "http", status: 404, message: "" }, false],
    [{ kind: "connection", message: "reset" }, true],
    [{ kind: "timeout", message: "" }, true],
    [{ kind: "malformed", message: "" }, true],
    [{ kind: "incomplete", message: "" }, true],
    [{ kind: "abort", message: "" }, false],
  ];
  for (const [fault, retryable] of table) {
    assert.equal(judgeFault(fault, "p:m").retryable, retryable, JSON.stringify(fault));
  }
  const auth = judgeFault(
    { kind: "http", status: 401, message: "invalid x-api-key" },
    "anthropic:m",
    "ANTHROPIC_API_KEY",
  );
  assert.equal(
    auth.error.message,
    'Cannot call "anthropic:m": the API key was refused (401) (invalid x-api-key); check ANTHROPIC_API_KEY',
  );
  assert.equal(judgeFault({ kind: "abort", message: "" }, "p:m").error.code, "CANCELLED");
});

/** The error a real fetch to `url` fails with. */
async function fetchError(url: string): Promise<unknown> {
  try {
    const response = await fetch(url);
    await response.body?.cancel();
  } catch (err) {
    return err;
  }
  return assert.fail(`expected fetching ${url} to fail`);
}

/** A port on 127.0.0.1 that was free a moment ago and has nothing listening now. */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

Deno.test("a real fetch to a closed local port is a refused connection, retried once, soon", async () => {
  const url = `http://127.0.0.1:${closedPort()}`;
  const fault = connectionFault(await fetchError(`${url}/v1/messages`));
  assert.equal(fault.kind, "connection");
  assert.equal(fault.reach, "refused");
  const verdict = judgeFault(fault, "ollama:llama3", undefined, {
    baseURL: url,
    advice: "is the server running? start it or set [providers.ollama] base_url",
  });
  assert.equal(verdict.retryable, true);
  assert.equal(verdict.maxRetries, 1);
  assert.ok(verdict.delayMs !== undefined && verdict.delayMs <= 1000);
  assert.equal(
    verdict.error.message,
    `Cannot call "ollama:llama3": nothing is listening at ${url} (connection refused); is the server running? start it or set [providers.ollama] base_url`,
  );
});

Deno.test("a real fetch to port 1 or to a malformed URL fails at once, naming the URL", async () => {
  const table: [string, string, RegExp][] = [
    [
      "http://127.0.0.1:1",
      "blocked",
      /cannot connect to http:\/\/127\.0\.0\.1:1 \(Requests to port 1 are blocked\)/,
    ],
    ["http://127.0.0.1:99999", "bad-url", /http:\/\/127\.0\.0\.1:99999 is not a usable URL/],
  ];
  for (const [url, reach, words] of table) {
    const fault = connectionFault(await fetchError(url));
    assert.equal(fault.reach, reach, url);
    const verdict = judgeFault(fault, "anthropic:m", "ANTHROPIC_API_KEY", {
      baseURL: url,
      advice: "check the network or ANTHROPIC_BASE_URL",
    });
    assert.equal(verdict.retryable, false, url);
    assert.match(verdict.error.message, words);
    assert.match(verdict.error.message, /; check the network or ANTHROPIC_BASE_URL$/);
  }
});

Deno.test("a real fetch to a server with a self-signed certificate is not retried", async () => {
  const dir = await Deno.makeTempDir({ prefix: "loom-tls-" });
  try {
    const made = await new Deno.Command("openssl", {
      args: [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=localhost",
      ]
        .concat(["-keyout", `${dir}/key.pem`, "-out", `${dir}/cert.pem`]),
      stdout: "null",
      stderr: "null",
    }).output().catch(() => undefined);
    // `.ci/run` installs openssl: without it this test fails rather than passing unchecked.
    assert.ok(made?.success, "openssl is needed to make a certificate (apt-get install openssl)");
    const listener = Deno.listenTls({
      hostname: "127.0.0.1",
      port: 0,
      cert: await Deno.readTextFile(`${dir}/cert.pem`),
      key: await Deno.readTextFile(`${dir}/key.pem`),
    });
    const accepting = (async () => {
      for await (const conn of listener) {
        await conn.handshake().catch(() => {});
        conn.close();
      }
    })();
    const port = (listener.addr as Deno.NetAddr).port;
    const fault = connectionFault(await fetchError(`https://localhost:${port}/`));
    listener.close();
    await accepting;
    assert.equal(fault.reach, "tls");
    const verdict = judgeFault(fault, "p:m");
    assert.equal(verdict.retryable, false);
    assert.match(verdict.error.message, /DENO_TLS_CA_STORE=system/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("connection faults are read from the whole cause chain, whatever the runtime", () => {
  const chain = (...messages: (string | Error)[]) =>
    messages.reduceRight<unknown>(
      (cause, m) => m instanceof Error ? Object.assign(m, { cause }) : new Error(m, { cause }),
      undefined,
    );
  const node = Object.assign(new Error("connect ECONNREFUSED ::1:11434"), { code: "ECONNREFUSED" });
  const table: [unknown, string | undefined, boolean][] = [
    [chain("Connection error.", new TypeError("fetch failed"), node), "refused", true],
    [new Deno.errors.ConnectionRefused("os error 111"), "refused", true],
    [
      chain(
        "fetch failed",
        "dns error: failed to lookup address information: Name or service not known",
      ),
      "no-host",
      false,
    ],
    [chain("fetch failed", "getaddrinfo ENOTFOUND api.anthropc.com"), "no-host", false],
    // A name server that cannot be reached now may be reachable in a moment.
    [chain("fetch failed", "dns error: Temporary failure in name resolution"), undefined, true],
    [chain("fetch failed", "invalid peer certificate: UnknownIssuer"), "tls", false],
    [chain("fetch failed", "connection reset by peer"), undefined, true],
    [new TypeError("error reading a body from connection"), undefined, true],
  ];
  for (const [err, reach, retryable] of table) {
    const fault = connectionFault(err);
    assert.equal(fault.reach, reach, fault.message);
    assert.equal(judgeFault(fault, "p:m").retryable, retryable, fault.message);
    assert.doesNotMatch(fault.message, /^(fetch failed|Connection error\.)$/);
  }
});

Deno.test("a base URL with credentials in it is named without them", () => {
  const verdict = judgeFault(
    { kind: "connection", message: "", reach: "refused" },
    "p:m",
    undefined,
    {
      baseURL: "https://user:s3cret@proxy.example/v1",
      advice: "check the network or OPENAI_BASE_URL",
    },
  );
  assert.doesNotMatch(verdict.error.message, /s3cret|user/);
  assert.match(verdict.error.message, /nothing is listening at https:\/\/proxy\.example\/v1 /);
});

Deno.test("a request longer than the context window is told apart from other refusals, as each provider words it", () => {
  const overflows = [
    "prompt is too long: 210000 tokens > 200000 maximum",
    "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.",
    "This model's maximum prompt length is 131072 but the request contains 140000 tokens.",
    "Prompt contains 40000 tokens and 0 draft tokens, too large for model with 32768 maximum context length",
    "The input token count (1100000) exceeds the maximum number of tokens allowed (1048576).",
    "Please reduce the length of the messages or completion.",
    "the request exceeds the available context size, try increasing it",
    "input length and `max_tokens` exceed context limit: 197202 + 32000 > 200000, decrease input length or `max_tokens` and try again",
  ];
  for (const message of overflows) {
    const verdict = judgeFault({ kind: "http", status: 400, message }, "m");
    assert.equal(verdict.retryable, false, message);
    assert.equal(verdict.error.details?.overflow, true, message);
    assert.match(verdict.error.message, /too long for the model's context window \(400\)/);
  }
  assert.equal(
    judgeFault({ kind: "http", status: 413, message: "" }, "m").error.details?.overflow,
    true,
  );
  const other = judgeFault({ kind: "http", status: 400, message: "messages: field required" }, "m");
  assert.equal(other.error.details?.overflow, undefined);
  assert.match(other.error.message, /refused the request \(400\)/);
});

Deno.test("a server that wants Mistral's tool call ids is not retried and says which setting fixes it", () => {
  for (const status of [400, 500]) {
    const verdict = judgeFault(
      {
        kind: "http",
        status,
        message: "Tool call id was call_49c89af0 but must be a-z, A-Z, 0-9, with a length of 9.",
      },
      "lab:devstral",
    );
    assert.equal(verdict.retryable, false);
    assert.match(verdict.error.message, /\[providers\.lab\] tool_call_ids = "mistral"/);
  }
});

Deno.test("an account out of quota or credit is not retried, and says to check billing", () => {
  const faults: Parameters<typeof judgeFault>[0][] = [
    {
      kind: "http",
      status: 429,
      type: "insufficient_quota",
      message: "You exceeded your current quota, please check your plan and billing details.",
    },
    {
      kind: "http",
      status: 400,
      type: "invalid_request_error",
      message: "Your credit balance is too low to access the Anthropic API.",
    },
  ];
  for (const fault of faults) {
    const verdict = judgeFault(fault, "p:m");
    assert.equal(verdict.retryable, false, fault.message);
    assert.match(verdict.error.message, /out of quota or credit .*; check the plan and billing/);
  }
  // An ordinary rate limit is still retried.
  assert.equal(
    judgeFault({ kind: "http", status: 429, message: "slow down" }, "p:m").retryable,
    true,
  );
});

Deno.test("a reply limit above the model's is explained with the setting to change", () => {
  for (
    const message of [
      "max_tokens: 64000 > 32000, which is the maximum allowed number of output tokens for claude-opus-4-1-20250805",
      "max_tokens is too large: 40000. This model supports at most 16384 completion tokens, whereas you provided 40000.",
    ]
  ) {
    const verdict = judgeFault({ kind: "http", status: 400, message }, "lab:m");
    assert.equal(verdict.retryable, false);
    assert.match(verdict.error.message, /set \[models\."lab:m"\] max_output/, message);
  }
});

Deno.test("a server that wants reasoning_content back names the setting that sends it", () => {
  const verdict = judgeFault({
    kind: "http",
    status: 400,
    message:
      "Missing `reasoning_content` field in the assistant message at message index 2. For more information, please refer to https://api-docs.deepseek.com/guides/thinking_mode#tool-calls",
  }, "moonshot:kimi-k2-thinking");
  assert.equal(verdict.retryable, false);
  assert.match(verdict.error.message, /set \[providers\.moonshot\] reasoning_content = true/);
});

Deno.test("a server that wants Gemini's thought signatures back names the setting that sends them", () => {
  const verdict = judgeFault({
    kind: "http",
    status: 400,
    message: "Function call is missing a thought_signature in functionCall parts.",
  }, "vertex:google/gemini-3-pro-preview");
  assert.equal(verdict.retryable, false);
  assert.match(verdict.error.message, /set \[providers\.vertex\] extra_content = true/);
});

Deno.test("OpenRouter's refusal for missing reasoning details names reasoning_details, not extra_content", () => {
  const verdict = judgeFault({
    kind: "http",
    status: 400,
    message:
      "Gemini models require OpenRouter reasoning details to be preserved in each request. " +
      "Please refer to our docs: https://openrouter.ai/docs/guides/best-practices/reasoning-tokens#preserving-reasoning-blocks. " +
      "Upstream error: Function call is missing a thought_signature in functionCall parts.",
  }, "myproxy:google/gemini-3-pro-preview");
  assert.equal(verdict.retryable, false);
  assert.match(verdict.error.message, /set \[providers\.myproxy\] reasoning_details = true/);
});

Deno.test("a thinking-mode server's refusal of calls without their thinking says what to do", () => {
  for (
    const message of [
      "The `content[].thinking` in the thinking mode must be passed back to the API.",
      "Missing thinking block in the assistant message at message index 11. For more information, please refer to https://api-docs.deepseek.com/guides/thinking_mode#tool-calls",
    ]
  ) {
    const verdict = judgeFault({ kind: "http", status: 400, message }, "dsa:deepseek-reasoner");
    assert.equal(verdict.retryable, false);
    assert.match(verdict.error.message, /\/compact in the REPL .* or start a new session/);
  }
  // The OpenAI format's words for it name the setting that sends reasoning back.
  const verdict = judgeFault({
    kind: "http",
    status: 400,
    message: "The `reasoning_content` in the thinking mode must be passed back to the API.",
  }, "dsv4:deepseek-v4-pro");
  assert.match(verdict.error.message, /set \[providers\.dsv4\] reasoning_content = true/);
});

Deno.test("DeepSeek's 402 Insufficient Balance is billing; Gemini's 'exceeded your current quota' 429 is a rate limit", () => {
  const broke = judgeFault(
    { kind: "http", status: 402, message: "Insufficient Balance" },
    "deepseek:deepseek-chat",
  );
  assert.equal(broke.retryable, false);
  assert.match(broke.error.message, /out of quota or credit .*check the plan and billing/);
  const limited = judgeFault({
    kind: "http",
    status: 429,
    message: "You exceeded your current quota, please check your plan and billing details.",
    retryAfterMs: 37_000,
  }, "google:gemini-2.5-flash");
  assert.equal(limited.retryable, true);
  assert.equal(limited.retryAfterMs, 37_000);
});
