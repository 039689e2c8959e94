import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { z } from "zod";
import { createTempProject } from "./_lib/project.ts";
import {
  Client,
  createTempHome,
  InMemoryTransport,
  MAIN,
  serverEnv,
  sessionHeaders,
  startHttpServer,
  StreamableHTTPClientTransport,
} from "./_lib/mcp.ts";
import { markedSleep, survivorsOf, uniqueToken, waitForProcess } from "./_lib/processes.ts";
import { createLoomServer } from "../src/mcp/mod.ts";
import { createMcpHttpApp } from "../src/mcp/server/http.ts";
import { openToolHost } from "../src/tools/host.ts";
import { defineTool } from "../src/tools/define.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };
const INIT = {
  protocolVersion: "2025-06-18",
  capabilities: {},
  clientInfo: { name: "raw", version: "0" },
};

// deno-lint-ignore no-explicit-any
type Message = Record<string, any>;

/** Every path under `root` (Loom's own `.loom/` data aside), to show nothing was written. */
async function snapshot(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const abs = join(dir, entry.name);
      const rel = relative(root, abs);
      if (rel === ".loom") continue;
      const info = await Deno.lstat(abs);
      found.push(`${rel} ${info.size} ${info.mtime?.getTime()}`);
      if (entry.isDirectory) await walk(abs);
    }
  };
  await walk(root);
  return found.sort();
}

/** `loom mcp` spawned with raw pipes: we write exact bytes and read exact replies. */
function spawnRaw(root: string, home: string, args: string[] = []) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "mcp", "--project", root, ...args],
    env: serverEnv(home),
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const writer = child.stdin.getWriter();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  const next = async (): Promise<Message> => {
    while (!buffered.includes("\n")) {
      const { value, done } = await lines.read();
      if (done) throw new Error("the server closed stdout");
      buffered += value;
    }
    const at = buffered.indexOf("\n");
    const message = JSON.parse(buffered.slice(0, at));
    buffered = buffered.slice(at + 1);
    return "id" in message ? message : await next(); // skip notifications
  };
  const send = (text: string) => writer.write(new TextEncoder().encode(text + "\n"));
  const call = (id: number, method: string, params: unknown = {}) =>
    send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
  const drain = async () => {
    while (!(await lines.read()).done) { /* the server's last words */ }
  };
  return { child, writer, next, send, call, drain };
}

Deno.test(
  "over stdio each bad input gets its JSON-RPC error or isError result, nothing is written, and the server keeps answering",
  opts,
  async () => {
    await using project = await createTempProject({ "a.txt": "a\n" });
    await using home = await createTempHome();
    const before = await snapshot(project.root);
    const s = spawnRaw(project.root, home.path);

    await s.send("{not json");
    const parseError = await s.next();
    assert.deepEqual([parseError.id, parseError.error.code], [null, -32700]);
    await s.send(JSON.stringify({ jsonrpc: "2.0", id: 7, params: 1 }));
    const invalid = await s.next();
    assert.deepEqual([invalid.id, invalid.error.code], [7, -32600]);
    await s.send(JSON.stringify({ jsonrpc: "1.0", id: 8, method: "ping" }));
    assert.equal((await s.next()).error.code, -32600);
    await s.send("[1, 2]");
    assert.equal((await s.next()).error.code, -32600);

    await s.call(1, "initialize", INIT);
    assert.equal((await s.next()).result.serverInfo.name, "loom");
    await s.send(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }));

    await s.call(2, "no/such/method");
    const unknownMethod = await s.next();
    assert.deepEqual([unknownMethod.id, unknownMethod.error.code], [2, -32601]);
    await s.call(3, "resources/read", { uri: 42 }); // invalid params
    const badParams = await s.next();
    assert.equal(badParams.error.code, -32602);
    assert.match(badParams.error.message, /params\.uri: Invalid input: expected string/);

    await s.call(4, "tools/call", { name: "no_such_tool", arguments: {} });
    const unknownTool = (await s.next()).result;
    assert.equal(unknownTool.isError, true);
    assert.match(unknownTool.content[0].text, /no such tool\. The tools are file_read, /);

    await s.call(5, "tools/call", { name: "file_read", arguments: { path: 5 } });
    const wrongType = (await s.next()).result;
    assert.equal(wrongType.isError, true);
    assert.match(
      wrongType.content[0].text,
      /path: Invalid input: expected string, received number/,
    );
    await s.call(6, "tools/call", { name: "file_write", arguments: { path: "new.txt" } });
    const missing = (await s.next()).result;
    assert.equal(missing.isError, true);
    assert.match(missing.content[0].text, /content: Invalid input: expected string/);
    await s.call(7, "tools/call", {
      name: "file_edit",
      arguments: { path: "a.txt", edits: [] },
    });
    const tooFew = (await s.next()).result;
    assert.match(tooFew.content[0].text, /edits: Too small: expected array to have >=1 items/);

    await s.send(JSON.stringify({
      jsonrpc: "2.0",
      id: 9,
      method: "ping",
      params: { pad: "x".repeat(5_000_000) },
    }));
    assert.equal((await s.next()).error.code, -32600);

    await s.call(10, "tools/call", { name: "file_read", arguments: { path: "a.txt" } });
    assert.match((await s.next()).result.content[0].text, /a\.txt: 1 line/);
    await s.writer.close();
    await s.drain();
    assert.equal((await s.child.status).code, 0);
    assert.deepEqual(await snapshot(project.root), before);
  },
);

Deno.test(
  "a stdio client that disconnects mid-call leaves no process behind and the server exits cleanly",
  opts,
  async () => {
    await using project = await createTempProject();
    await using home = await createTempHome();
    const token = uniqueToken();
    const s = spawnRaw(project.root, home.path, ["--yes"]);
    await s.call(1, "initialize", INIT);
    await s.next();
    await s.send(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }));
    await s.call(2, "tools/call", {
      name: "shell",
      arguments: { command: `${markedSleep(token)} & ${markedSleep(token)}; wait` },
    });
    await waitForProcess(token);
    await s.writer.close(); // the client goes away without a word
    await s.drain();
    assert.equal((await s.child.status).code, 0);
    assert.deepEqual(await survivorsOf(token), []);
  },
);

async function connectHttp(url: string, token: string) {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  });
  const client = new Client({ name: "loom-bad-input", version: "0.0.0" });
  await client.connect(transport);
  return { client, transport };
}

Deno.test(
  "over HTTP bad input gets 400/413 or JSON-RPC errors, nothing is written, and the session keeps working",
  opts,
  async () => {
    await using project = await createTempProject({ "a.txt": "a\n" });
    await using home = await createTempHome();
    await using server = await startHttpServer(project.root, home.path, {
      LOOM_MCP_TOKEN: "bad-input-token",
    });
    const before = await snapshot(project.root);
    const { client, transport } = await connectHttp(server.url, server.token);
    const post = async (body: string) => {
      const res = await fetch(server.url, {
        method: "POST",
        headers: sessionHeaders(server.token, transport.sessionId!),
        body,
      });
      const text = await res.text();
      return { status: res.status, text };
    };
    const garbage = await post("{oops");
    assert.equal(garbage.status, 400);
    assert.equal(JSON.parse(garbage.text).error.code, -32700);
    const notRpc = await post(JSON.stringify({ hello: "world" }));
    assert.equal(notRpc.status, 400);
    assert.match(notRpc.text, /"code":-32700,"message":"Parse error: Invalid JSON-RPC message"/);
    assert.equal((await post(JSON.stringify({ pad: "x".repeat(5 * 1024 * 1024) }))).status, 413);

    await assert.rejects(
      client.request({ method: "no/such/method", params: {} }, z.object({})),
      /-32601/,
    );
    const unknownTool = await client.callTool({ name: "no_such_tool", arguments: {} });
    assert.equal(unknownTool.isError, true);
    const wrongType = await client.callTool({ name: "file_read", arguments: { path: [] } });
    assert.equal(wrongType.isError, true);
    assert.match(
      JSON.stringify(wrongType.content),
      /path: Invalid input: expected string, received array/,
    );
    const read = await client.callTool({ name: "file_read", arguments: { path: "a.txt" } });
    assert.equal(read.isError, undefined);
    assert.deepEqual(await snapshot(project.root), before);
    await client.close();
  },
);

Deno.test(
  "an HTTP client that disconnects mid-call leaves no process behind and the server keeps serving",
  opts,
  async () => {
    await using project = await createTempProject();
    await using home = await createTempHome();
    await using server = await startHttpServer(project.root, home.path, {
      LOOM_MCP_TOKEN: "disconnect-token",
      LOOM_PERMISSIONS_AUTO_APPROVE: "true",
    });
    const { client, transport } = await connectHttp(server.url, server.token);
    const token = uniqueToken();
    const controller = new AbortController();
    const response = fetch(server.url, {
      method: "POST",
      signal: controller.signal,
      headers: sessionHeaders(server.token, transport.sessionId!),
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 41,
        method: "tools/call",
        params: { name: "shell", arguments: { command: markedSleep(token) } },
      }),
    });
    await waitForProcess(token);
    controller.abort();
    await response.then((res) => res.body?.cancel()).catch(() => {});
    assert.deepEqual(await survivorsOf(token), []);
    assert.deepEqual(await client.ping(), {});
    await client.close();
  },
);

/** A tool whose run throws a plain error: a bug in a tool must not take the server down. */
const boom = defineTool({
  name: "boom",
  description: "Always throws",
  input: z.object({ why: z.string().describe("What to throw") }),
  annotations: {
    title: "Boom",
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  },
  permission: () => ({ kind: "read", tool: "boom", paths: ["."] }),
  run: (input) => {
    throw new TypeError(input.why);
  },
});

Deno.test(
  "a tool that throws becomes an isError result over stdio framing and over HTTP, and the next call works",
  opts,
  async () => {
    await using project = await createTempProject({ "a.txt": "a\n" });
    await using home = await createTempHome();
    const openHost = async (root: string) => {
      const opened = await openToolHost({ root, home: home.path, env: {} });
      const tools = new Map(opened.host.tools);
      tools.set("boom", boom);
      return { ...opened, host: { ...opened.host, tools } };
    };
    const options = { openHost, project: project.root, cwd: project.root, version: "test" };
    const check = async (client: Client) => {
      const thrown = await client.callTool({ name: "boom", arguments: { why: "kaboom" } });
      assert.equal(thrown.isError, true);
      assert.match(JSON.stringify(thrown.content), /Cannot run \\"boom\\": internal error: kaboom/);
      const read = await client.callTool({ name: "file_read", arguments: { path: "a.txt" } });
      assert.equal(read.isError, undefined);
    };

    const loom = createLoomServer(options);
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await loom.server.connect(serverSide);
    const direct = new Client({ name: "in-memory", version: "0" });
    await direct.connect(clientSide);
    await check(direct);
    await direct.close();
    await loom.close();

    let port = 0;
    const http = createMcpHttpApp({
      createSession: () => createLoomServer(options),
      token: "t0ken",
      port: () => port,
    });
    await using served = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      http.app.fetch,
    );
    port = served.addr.port;
    const { client } = await connectHttp(`http://127.0.0.1:${port}/mcp`, "t0ken");
    await check(client);
    await client.close();
    await http.close();
  },
);
