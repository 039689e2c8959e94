import { Hono } from "hono";
import type { Context } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { isInitializeRequest, WebStandardStreamableHTTPServerTransport } from "./_sdk.ts";
import { wellFormedValue } from "../../core/well_formed.ts";
import type { LoomServer } from "./server.ts";

/** Default cap on a request body. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;
const MAX_SESSIONS = 64;

/** What the HTTP app needs: a session factory, the token, and the port (known once listening). */
export interface McpHttpOptions {
  createSession: () => LoomServer;
  token: string;
  /** The port the server listens on; Host and Origin must name it. */
  port: () => number;
  maxBodyBytes?: number;
  log?: (text: string) => void;
}

/** The app plus its live sessions (for shutdown and tests). */
export interface McpHttpApp {
  app: Hono;
  sessions: ReadonlyMap<string, unknown>;
  close(): Promise<void>;
}

interface Session {
  transport: WebStandardStreamableHTTPServerTransport;
  loom: LoomServer;
}

/**
 * Streamable HTTP at `/mcp`: Host and Origin checked against the loopback port (403, against
 * DNS rebinding), a bearer token on every request (401), bodies capped (413), one SDK server
 * per `Mcp-Session-Id`, `DELETE` ends a session; a failing session never touches another.
 */
export function createMcpHttpApp(options: McpHttpOptions): McpHttpApp {
  const sessions = new Map<string, Session>();
  const maxBody = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const log = options.log ?? (() => {});
  const app = new Hono();

  app.use("*", async (c, next) => {
    const port = options.port();
    const hosts = [`127.0.0.1:${port}`, `localhost:${port}`];
    const host = c.req.header("host") ?? "";
    if (!hosts.includes(host.toLowerCase())) {
      return rpcError(c, 403, `Forbidden: Host "${host}" is not allowed`);
    }
    const origin = c.req.header("origin");
    if (origin !== undefined && !hosts.some((h) => origin.toLowerCase() === `http://${h}`)) {
      return rpcError(c, 403, `Forbidden: Origin "${origin}" is not allowed`);
    }
    await next();
  });
  app.use(
    "*",
    bearerAuth({
      token: options.token,
      noAuthenticationHeader: {
        message: jsonRpcBody(
          "Unauthorized: a bearer token is required; send 'Authorization: Bearer <token>' with " +
            "the token 'loom mcp --http' printed (kept in .loom/mcp_token, or LOOM_MCP_TOKEN)",
        ),
      },
      invalidAuthenticationHeader: {
        message: jsonRpcBody("Unauthorized: malformed Authorization header"),
      },
      invalidToken: {
        message: jsonRpcBody(
          "Unauthorized: wrong token; use the one in the project's .loom/mcp_token (or LOOM_MCP_TOKEN)",
        ),
      },
    }),
  );
  app.use(
    "*",
    bodyLimit({
      maxSize: maxBody,
      onError: (c) => rpcError(c, 413, `Payload Too Large: the limit is ${maxBody} bytes`),
    }),
  );

  app.all("/mcp", async (c) => {
    const method = c.req.method;
    if (!["GET", "POST", "DELETE"].includes(method)) {
      return rpcError(c, 405, "Method Not Allowed");
    }
    let parsedBody: unknown;
    if (method === "POST") {
      const text = await c.req.text();
      try {
        parsedBody = JSON.parse(text);
      } catch {
        return rpcError(c, 400, "Parse error: the body is not valid JSON", -32700);
      }
    }
    const sessionId = c.req.header("mcp-session-id");
    if (sessionId !== undefined) {
      const session = sessions.get(sessionId);
      if (!session) return rpcError(c, 404, "Session not found", -32001);
      cancelOnDisconnect(
        c.req.raw.signal,
        session.transport,
        parsedBody,
      );
      return await session.transport.handleRequest(c.req.raw, { parsedBody });
    }
    if (method !== "POST" || !isInitializeRequest(parsedBody)) {
      return rpcError(c, 400, "Bad Request: no Mcp-Session-Id header; start with initialize");
    }
    if (sessions.size >= MAX_SESSIONS) {
      return rpcError(
        c,
        503,
        `Service Unavailable: ${MAX_SESSIONS} sessions are open; end one with DELETE`,
      );
    }
    const loom = options.createSession();
    const transport: WebStandardStreamableHTTPServerTransport =
      new WebStandardStreamableHTTPServerTransport({
        sessionIdGenerator: () => crypto.randomUUID(),
        onsessioninitialized: (id) => {
          sessions.set(id, { transport, loom });
          log(`loom mcp: session ${id} opened`);
        },
        onsessionclosed: (id) => {
          sessions.delete(id);
          log(`loom mcp: session ${id} closed`);
        },
      });
    // What goes out is well-formed JSON for every client (see wellFormed): the SDK serialises it.
    const send = transport.send.bind(transport);
    transport.send = (message, sendOptions) => send(wellFormedValue(message), sendOptions);
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
      loom.close().catch(() => {});
    };
    await loom.server.connect(transport);
    return await transport.handleRequest(c.req.raw, { parsedBody });
  });

  app.notFound((c) => rpcError(c, 404, "Not Found: the MCP endpoint is /mcp"));
  app.onError((err, c) => {
    if (err instanceof HTTPException) return err.getResponse(); // 401 from bearerAuth
    log(`loom mcp: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    return rpcError(c, 500, "Internal error", -32603);
  });

  return {
    app,
    sessions,
    async close() {
      for (const session of [...sessions.values()]) await session.transport.close().catch(() => {});
      sessions.clear();
    },
  };
}

/**
 * With no event store a response stream that breaks can never be resumed, so a client that
 * disconnects mid-call has given up: its requests are cancelled (running tools are aborted and
 * their processes killed) as if it had sent `notifications/cancelled`. Requests already
 * answered ignore the cancellation.
 */
function cancelOnDisconnect(
  signal: AbortSignal,
  transport: WebStandardStreamableHTTPServerTransport,
  body: unknown,
): void {
  const ids = (Array.isArray(body) ? body : [body]).flatMap((m) =>
    typeof m === "object" && m !== null && "method" in m && "id" in m &&
      (typeof m.id === "string" || typeof m.id === "number")
      ? [m.id]
      : []
  );
  if (ids.length === 0) return;
  const cancel = () => {
    for (const requestId of ids) {
      transport.onmessage?.({
        jsonrpc: "2.0",
        method: "notifications/cancelled",
        params: { requestId, reason: "the client disconnected" },
      });
    }
  };
  // Under --unstable-no-legacy-abort (loom mcp --http sets it) the signal aborts only when the
  // client goes away; without it Deno also aborts it after each answer, which is a no-op here.
  signal.addEventListener("abort", cancel, { once: true });
}

function jsonRpcBody(message: string, code = -32000): Record<string, unknown> {
  return { jsonrpc: "2.0", error: { code, message }, id: null };
}

function rpcError(c: Context, status: number, message: string, code = -32000): Response {
  return c.json(jsonRpcBody(message, code), status as 400);
}
