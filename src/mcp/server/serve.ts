// Only types from server.ts here: it loads the SDK, which stdio start-up does after `initialize`.
import type { LoomServerOptions } from "./server.ts";
import { LineTransport } from "./stdio.ts";
import type { LineStreams } from "./stdio.ts";

/**
 * Serves one MCP session over stdin/stdout; resolves when the client closes stdin. Reading starts
 * first and `initialize` is answered while the SDK loads; the SDK then sees every message in order.
 */
export async function serveStdio(
  options: LoomServerOptions & { streams?: LineStreams; stop?: Promise<void> },
): Promise<void> {
  const transport = new LineTransport(options.streams);
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
  });
  transport.answerInitializeEarly(options.version);
  await transport.start();
  await transport.firstLine();
  const { createLoomServer } = await import("./server.ts");
  const loom = createLoomServer({ useRoots: true, ...options });
  // The SDK chains its own onclose onto the transport's in connect(); it calls start() again.
  await loom.server.connect(transport);
  options.stop?.then(() => transport.close());
  await closed;
  await loom.close().catch(() => {});
}

/** A running HTTP server. */
export interface HttpServing {
  url: string;
  port: number;
  /** Resolves when the server has stopped. */
  finished: Promise<void>;
  shutdown(): Promise<void>;
}

/** Serves Streamable HTTP on 127.0.0.1 (never another interface) at `/mcp`. */
export async function serveHttp(
  options: Omit<LoomServerOptions, "useRoots"> & {
    port: number;
    token: string;
    maxBodyBytes?: number;
    signal?: AbortSignal;
  },
): Promise<HttpServing> {
  // Hono loads only for HTTP: stdio start-up stays small.
  const { createMcpHttpApp } = await import("./http.ts");
  const { createLoomServer } = await import("./server.ts");
  let port = options.port;
  const http = createMcpHttpApp({
    createSession: () => createLoomServer({ ...options, useRoots: false }),
    token: options.token,
    port: () => port,
    maxBodyBytes: options.maxBodyBytes,
    log: options.log,
  });
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: options.port,
    signal: options.signal,
    onListen: () => {}, // The caller prints the URL (to stderr).
  }, http.app.fetch);
  port = server.addr.port;
  server.finished.then(() => http.close());
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    port,
    finished: server.finished,
    async shutdown() {
      await http.close();
      await server.shutdown();
    },
  };
}
