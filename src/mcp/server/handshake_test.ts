import assert from "node:assert/strict";
// @ts-types="@modelcontextprotocol/sdk/types"
import { SUPPORTED_PROTOCOL_VERSIONS as SDK_VERSIONS } from "@modelcontextprotocol/sdk/types.js";
import { Client, InMemoryTransport } from "../../../tests/_lib/mcp.ts";
import { initializeRequestId, initializeResult, SUPPORTED_PROTOCOL_VERSIONS } from "./handshake.ts";
import { createLoomServer } from "./server.ts";
import { LineTransport, readsOf } from "./stdio.ts";

const noHost = () => Promise.reject(new Error("no host in this test"));

/** What the SDK's own Server answers to `initialize` for `version`, captured on the wire. */
async function sdkAnswer(version: string): Promise<unknown> {
  const loom = createLoomServer({ openHost: noHost, cwd: "/", version: "9.9.9", project: "/" });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await loom.server.connect(serverSide);
  const answer = new Promise((resolve) => {
    clientSide.onmessage = (message) => resolve((message as { result?: unknown }).result);
  });
  await clientSide.start();
  await clientSide.send({
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion: version, capabilities: {}, clientInfo: { name: "t", version: "0" } },
  });
  const result = await answer;
  await loom.close();
  return result;
}

Deno.test("the early initialize answer equals the SDK Server's own, for every version and an unknown one", async () => {
  assert.deepEqual(SUPPORTED_PROTOCOL_VERSIONS, SDK_VERSIONS);
  for (const version of [...SDK_VERSIONS, "1999-01-01"]) {
    assert.deepEqual(initializeResult(version, "9.9.9"), await sdkAnswer(version), version);
  }
});

Deno.test("only a well-formed initialize request is answered early", () => {
  const params = {
    protocolVersion: "2025-06-18",
    capabilities: {},
    clientInfo: { name: "c", version: "1" },
  };
  assert.equal(initializeRequestId({ jsonrpc: "2.0", id: 0, method: "initialize", params }), 0);
  assert.equal(initializeRequestId({ jsonrpc: "2.0", id: 3, method: "ping", params }), undefined);
  assert.equal(
    initializeRequestId({
      jsonrpc: "2.0",
      id: 3,
      method: "initialize",
      params: { ...params, capabilities: 1 },
    }),
    undefined,
  );
  assert.equal(
    initializeRequestId({
      jsonrpc: "2.0",
      id: 3,
      method: "initialize",
      params: { protocolVersion: 5 },
    }),
    undefined,
  );
});

Deno.test("a transport answering initialize early sends one answer, and the SDK then serves the session", async () => {
  const encoder = new TextEncoder();
  let push!: (line: string) => void;
  let end!: () => void;
  const readable = new ReadableStream<Uint8Array>({
    start(controller) {
      push = (line) => controller.enqueue(encoder.encode(line + "\n"));
      end = () => controller.close();
    },
  });
  const sent: { id?: number; result?: Record<string, unknown> }[] = [];
  let waiting: (() => void) | undefined;
  const transport = new LineTransport({
    ...readsOf(readable),
    write(bytes) {
      for (const line of new TextDecoder().decode(bytes).split("\n").filter(Boolean)) {
        sent.push(JSON.parse(line));
      }
      waiting?.();
      return Promise.resolve();
    },
  });
  const nextReply = () => new Promise<void>((resolve) => waiting = resolve);
  transport.answerInitializeEarly("9.9.9");
  await transport.start();
  let replied = nextReply();
  push(JSON.stringify({
    jsonrpc: "2.0",
    id: 7,
    method: "initialize",
    params: {
      protocolVersion: "2025-06-18",
      capabilities: { elicitation: { form: {} } },
      clientInfo: { name: "c", version: "1" },
    },
  }));
  await transport.firstLine();
  await replied;
  // Answered while nothing else is connected: no SDK server exists yet.
  assert.deepEqual(sent.map((m) => m.id), [7]);
  assert.equal(sent[0].result?.protocolVersion, "2025-06-18");

  const loom = createLoomServer({ openHost: noHost, cwd: "/", version: "9.9.9", project: "/" });
  await loom.server.connect(transport);
  push(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }));
  replied = nextReply();
  push(JSON.stringify({ jsonrpc: "2.0", id: 8, method: "ping" }));
  await replied;
  assert.deepEqual(sent.map((m) => m.id), [7, 8], "the SDK's own answer to 7 was dropped");
  // The SDK saw the request: it knows what the client can do.
  assert.deepEqual(loom.server.getClientCapabilities(), { elicitation: { form: {} } });
  end();
  await loom.close();
});

Deno.test("the SDK client completes its handshake against the early answer", async () => {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  // The in-memory pair stands in for stdio: the SDK client must accept the early answer.
  const early = initializeResult("2025-06-18", "9.9.9");
  serverSide.onmessage = (message) => {
    const m = message as { id?: number; method?: string };
    if (m.method === "initialize") {
      serverSide.send({ jsonrpc: "2.0", id: m.id!, result: early }).catch(() => {});
    }
  };
  await serverSide.start();
  const client = new Client({ name: "t", version: "0" });
  await client.connect(clientSide);
  assert.equal(client.getServerVersion()?.name, "loom");
  assert.equal(client.getInstructions(), early.instructions);
  await client.close();
});

Deno.test("the stdio start-up path names no module in a literal import(), which Deno would prepare up front", async () => {
  // A literal import("./x.ts") makes Deno load x.ts's whole graph (SDK, zod, tools) before the
  // importing module runs: in `loom mcp`'s re-exec parent that cost ~35 ms of start-up.
  for (const file of ["../../cli/mcp_cmd.ts", "./serve.ts", "./stdio.ts", "./handshake.ts"]) {
    const source = (await Deno.readTextFile(new URL(file, import.meta.url)))
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/\/\/.*$/gm, "");
    // `typeof import("./x.ts")` is a type and costs nothing at run time.
    assert.doesNotMatch(source, /(?<!typeof )\bimport\(\s*["'`]/, file);
  }
});
