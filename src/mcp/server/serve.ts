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
  // With the root already known, the project opens while the SDK loads (first use awaits it).
  const project = options.project;
  const early = project === undefined ? undefined : options.openHost(project);
  early?.catch(() => {}); // A failure is reported where the host is first used.
  const openHost = early === undefined
    ? options.openHost
    : (root: string) => root === project ? early : options.openHost(root);
  const { createLoomServer } = await load<typeof import("./server.ts")>("./server.ts");
  const loom = createLoomServer({ useRoots: true, ...options, openHost });
  // The SDK chains its own onclose onto the transport's in connect(); it calls start() again.
  await loom.server.connect(transport);
  transport.routeTo(loom.server);
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
  const { createMcpHttpApp } = await load<typeof import("./http.ts")>("./http.ts");
  const { createLoomServer } = await load<typeof import("./server.ts")>("./server.ts");
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

/**
 * Loads a module on demand. The specifier is computed on purpose: a literal `import("./x.ts")`
 * makes Deno prepare that module's whole graph (the SDK and the tools) before this module runs,
 * which would delay the early `initialize` answer.
 */
function load<T>(path: string): Promise<T> {
  return import(new URL(path, import.meta.url).href);
}
