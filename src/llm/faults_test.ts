import assert from "node:assert/strict";
import { judgeFault, parseRetryAfter } from "./faults.ts";

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
