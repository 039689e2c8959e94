import assert from "node:assert/strict";
import { createTempProject } from "./_lib/project.ts";
import {
  Client,
  createTempHome,
  sessionHeaders,
  startHttpServer,
  StreamableHTTPClientTransport,
} from "./_lib/mcp.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

async function connect(
  url: string,
  token: string,
): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  });
  const client = new Client({ name: "loom-http-test", version: "0.0.0" });
  await client.connect(transport);
  return { client, transport };
}

/** One raw HTTP/1.1 request over TCP, so the Host header is exactly what we say. */
async function rawStatus(url: string, host: string, token: string): Promise<number> {
  const { port } = new URL(url);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: Number(port) });
  const body = "{}";
  const request = `POST /mcp HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${token}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
  await conn.write(new TextEncoder().encode(request));
  const response = await new Response(conn.readable).text();
  return Number(/^HTTP\/1\.1 (\d+)/.exec(response)![1]);
}

Deno.test(
  "loom mcp --http serves sessions to the SDK client; DELETE ends one and leaves the other",
  opts,
  async () => {
    await using project = await createTempProject({ "a.txt": "over http\n" });
    await using home = await createTempHome();
    await using server = await startHttpServer(project.root, home.path);
    const one = await connect(server.url, server.token);
    const two = await connect(server.url, server.token);
    assert.notEqual(one.transport.sessionId, two.transport.sessionId);

    const { tools } = await one.client.listTools();
    assert.ok(tools.some((t) => t.name === "file_read"));
    const read = await two.client.callTool({ name: "file_read", arguments: { path: "a.txt" } });
    assert.match(JSON.stringify(read.content), /over http/);

    // Session one misbehaves (malformed JSON), then is ended.
    const headers = sessionHeaders(server.token, one.transport.sessionId!);
    const garbage = await fetch(server.url, { method: "POST", headers, body: "{oops" });
    assert.equal(garbage.status, 400);
    await garbage.body?.cancel();
    await one.transport.terminateSession();
    const after = await fetch(server.url, {
      method: "POST",
      headers,
      body: JSON.stringify({ jsonrpc: "2.0", id: 9, method: "ping" }),
    });
    assert.equal(after.status, 404);
    await after.body?.cancel();

    // Session two is untouched.
    assert.deepEqual(await two.client.ping(), {});
    await two.client.close();
    await one.client.close();
  },
);

Deno.test(
  "loom mcp --http refuses a foreign Host or Origin (403), a missing or wrong token (401) and huge bodies (413)",
  opts,
  async () => {
    await using project = await createTempProject();
    await using home = await createTempHome();
    await using server = await startHttpServer(project.root, home.path, {
      LOOM_MCP_TOKEN: "test-token-123",
    });
    assert.equal(server.token, "test-token-123");
    const port = new URL(server.url).port;
    assert.equal(await rawStatus(server.url, `evil.example:${port}`, server.token), 403);
    assert.equal(await rawStatus(server.url, `127.0.0.1:${port}`, server.token), 400); // no session: passes the checks

    const init = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "x", version: "0" },
      },
    });
    const post = async (headers: Record<string, string>, body = init) => {
      const res = await fetch(server.url, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json, text/event-stream",
          ...headers,
        },
        body,
      });
      await res.body?.cancel();
      return res.status;
    };
    const auth = { Authorization: "Bearer test-token-123" };
    assert.equal(await post({ ...auth, Origin: "http://evil.example" }), 403);
    assert.equal(await post({}), 401);
    assert.equal(await post({ Authorization: "Bearer wrong-token" }), 401);
    const refused = await fetch(server.url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: init,
    });
    assert.match(await refused.text(), /\.loom\/mcp_token/);
    assert.equal(await post(auth, JSON.stringify({ pad: "x".repeat(5 * 1024 * 1024) })), 413);
    assert.equal(await post({ ...auth, Origin: `http://127.0.0.1:${port}` }), 200);
    // The token came from the environment: nothing was written to the project.
    await assert.rejects(Deno.stat(project.path(".loom/mcp_token")), Deno.errors.NotFound);
  },
);

Deno.test(
  "without LOOM_MCP_TOKEN a token is generated once and stored under .loom with mode 0600",
  opts,
  async () => {
    await using project = await createTempProject();
    await using home = await createTempHome();
    let first: string;
    {
      await using server = await startHttpServer(project.root, home.path);
      first = server.token;
    }
    const stored = await Deno.stat(project.path(".loom/mcp_token"));
    assert.equal(stored.mode! & 0o777, 0o600);
    assert.equal((await project.read(".loom/mcp_token")).trim(), first);
    await using again = await startHttpServer(project.root, home.path);
    assert.equal(again.token, first);
    assert.ok(first.length >= 32);
  },
);

Deno.test(
  "loom mcp --http answers with JSON that strict parsers take, even about half an emoji a client sent",
  opts,
  async () => {
    await using project = await createTempProject({ "a.txt": "x\n" });
    await using home = await createTempHome();
    await using server = await startHttpServer(project.root, home.path);
    const { client, transport } = await connect(server.url, server.token);
    // A path with a lone surrogate (the escape `\ud83d` in the request), which the error names.
    // Read raw, as a Rust client (serde_json) would get it: no escape of a lone surrogate.
    const response = await fetch(server.url, {
      method: "POST",
      headers: sessionHeaders(server.token, transport.sessionId!),
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 7,
        method: "tools/call",
        params: { name: "file_read", arguments: { path: "notes \ud83d.txt" } },
      }),
    });
    const raw = await response.text();
    assert.match(raw, /notes \ufffd\.txt/);
    assert.doesNotMatch(raw, /(?<!\\)(?:\\\\)*\\ud[89a-f]/);
    await client.close();
  },
);
