// Only types from server.ts here: it loads the SDK, which stdio start-up does after `initialize`.
import type { LoomServerOptions } from "./server.ts";
import { LineTransport } from "./stdio.ts";
import type { LineStreams } from "./stdio.ts";

/**
 * How long requests still running when stdin ends may take to answer before they are cancelled:
 * a batch client (`printf ... | loom mcp`) reads the replies, one that went away is not waited for.
 */
export const EOF_GRACE_MS = 2000;

/**
 * Serves one MCP session over stdin/stdout. When stdin ends, the requests already received are
 * answered (for up to {@link EOF_GRACE_MS}, then cancelled) before it resolves; `stop` (SIGTERM,
 * SIGINT) and a failed write cancel at once. Reading starts first and `initialize` is answered
 * while the SDK loads; the SDK then sees every message in order.
 */
export async function serveStdio(
  options: LoomServerOptions & { streams?: LineStreams; stop?: Promise<void> },
): Promise<void> {
  const transport = new LineTransport(options.streams);
  let isClosed = false;
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => {
      isClosed = true;
      resolve();
    };
  });
  const ended = new Promise<void>((resolve) => {
    transport.onend = () => resolve();
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
  // Stdout went away while the SDK loaded: no request was handed on, so nothing runs.
  if (isClosed) return;
  // The SDK chains its own onclose onto the transport's in connect(); it calls start() again,
  // which hands on what was read meanwhile (all of it, when stdin has already ended).
  await loom.server.connect(transport);
  transport.routeTo(loom.server);
  options.stop?.then(() => transport.close());
  await Promise.race([closed, ended.then(() => answeredWithin(loom.answered(), EOF_GRACE_MS))]);
  await transport.close(); // Cancels what is still running; a no-op when already closed.
  await loom.close().catch(() => {});
}

/** Resolves when `answered` does or `ms` have passed, whichever comes first. */
async function answeredWithin(answered: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((resolve) => timer = setTimeout(resolve, ms));
  await Promise.race([answered, late]);
  clearTimeout(timer);
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
    // The project and URL were announced at start: sessions add only their own lines.
    createSession: () => createLoomServer({ ...options, useRoots: false, announce: false }),
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
