import assert from "node:assert/strict";
import { LineTransport, MAX_MESSAGE_BYTES, readsOf } from "./stdio.ts";

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function run(
  chunks: string[],
): Promise<{ received: unknown[]; sent: Record<string, unknown>[] }> {
  const received: unknown[] = [];
  const sent: Record<string, unknown>[] = [];
  const transport = new LineTransport({
    ...readsOf(streamOf(chunks)),
    write: (bytes) => {
      for (const line of new TextDecoder().decode(bytes).split("\n").filter(Boolean)) {
        sent.push(JSON.parse(line));
      }
      return Promise.resolve();
    },
  });
  const closed = new Promise<void>((resolve) => transport.onclose = resolve);
  transport.onmessage = (message) => received.push(message);
  await transport.start();
  await closed;
  return { received, sent };
}

Deno.test("LineTransport delivers messages split across chunks and closes when input ends", async () => {
  const ping = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" });
  const { received, sent } = await run([ping.slice(0, 10), ping.slice(10) + "\n", "\n"]);
  assert.deepEqual(received, [{ jsonrpc: "2.0", id: 1, method: "ping" }]);
  assert.deepEqual(sent, []);
});

Deno.test("LineTransport answers malformed JSON, non-JSON-RPC and oversized lines, then keeps reading", async () => {
  const ping = JSON.stringify({ jsonrpc: "2.0", id: 2, method: "ping" });
  const huge = "x".repeat(MAX_MESSAGE_BYTES + 10);
  const { received, sent } = await run([
    "{oops\n",
    JSON.stringify({ id: 4, hello: true }) + "\n",
    huge.slice(0, MAX_MESSAGE_BYTES / 2),
    huge.slice(MAX_MESSAGE_BYTES / 2) + "\n",
    ping + "\n",
  ]);
  assert.deepEqual(sent.map((m) => [m.id, (m.error as { code: number }).code]), [
    [null, -32700],
    [4, -32600],
    [null, -32600],
  ]);
  assert.deepEqual(received, [{ jsonrpc: "2.0", id: 2, method: "ping" }]);
});

Deno.test("LineTransport writes back-to-back replies intact and in order while a write is pending", async () => {
  const written: string[] = [];
  let wrote = Promise.withResolvers<() => void>();
  const transport = new LineTransport({
    ...readsOf(streamOf([])),
    write: (bytes) => {
      written.push(new TextDecoder().decode(bytes));
      // A slow pipe: the next write may start only once the test releases this one.
      const done = Promise.withResolvers<void>();
      wrote.resolve(done.resolve);
      return done.promise;
    },
  });
  // Small replies share one reused buffer; the large one takes (and drops) its own.
  const texts = ["a".repeat(1000), "é b", "x".repeat(400 * 1024), "c"];
  const sends = texts.map((text, i) => transport.send({ jsonrpc: "2.0", id: i, result: { text } }));
  for (let i = 0; i < texts.length; i++) {
    const release = await wrote.promise;
    wrote = Promise.withResolvers();
    release();
  }
  await Promise.all(sends);
  assert.deepEqual(written.map((line) => JSON.parse(line).result.text), texts);
});

Deno.test("LineTransport writes half an emoji as U+FFFD, which every client's JSON parser takes", async () => {
  const written: string[] = [];
  const transport = new LineTransport({
    ...readsOf(streamOf([])),
    write: (bytes) => {
      written.push(new TextDecoder().decode(bytes));
      return Promise.resolve();
    },
  });
  // As a decision stored from a client that sent `\ud83d`, or a cut long line, would come back.
  const text = "title \ud83d and \\ud83d as text, \u{1F600} whole";
  await transport.send({ jsonrpc: "2.0", id: 1, result: { text } });
  assert.ok(!/(?<!\\)(?:\\\\)*\\ud[89a-f]/.test(written[0]), written[0]);
  assert.equal(JSON.parse(written[0]).result.text, text.toWellFormed());
});
