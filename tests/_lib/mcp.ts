// The SDK's client side, for tests only (kept out of the server's import graph), plus helpers
// that spawn `loom mcp` as a real subprocess.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// @ts-types="@modelcontextprotocol/sdk/client/index"
export { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/stdio"
export { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
export { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
// @ts-types="@modelcontextprotocol/sdk/inMemory"
export { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
// @ts-types="@modelcontextprotocol/sdk/types"
export {
  ElicitRequestSchema,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
  ResourceUpdatedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";

// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/stdio"
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
// @ts-types="@modelcontextprotocol/sdk/types"
import { ListRootsRequestSchema } from "@modelcontextprotocol/sdk/types.js";

/** The repository root and the CLI entry. */
export const REPO = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const MAIN = join(REPO, "src", "main.ts");

/** Capabilities a test client may declare. */
export interface ClientOptions {
  /** Extra `loom mcp` arguments (e.g. ["--yes"]). */
  args?: string[];
  env?: Record<string, string>;
  elicitation?: boolean;
  /** Offer these directories as MCP roots (and pass no --project: the server runs in `root`). */
  roots?: string[];
}

/** A connected client on a spawned `loom mcp --project ROOT`, with its stderr collected. */
export interface StdioSession extends AsyncDisposable {
  client: Client;
  transport: StdioClientTransport;
  stderr(): string;
  /** Resolves with the first stderr line matching `pattern` (a readiness signal). */
  waitForStderr(pattern: RegExp): Promise<string>;
}

/** The environment for a spawned server: the test's own, with Loom's home in `home`. */
export function serverEnv(
  home: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  const env = Deno.env.toObject();
  delete env.RUST_BACKTRACE;
  return { ...env, NO_COLOR: "1", LOOM_HOME: home, ...extra };
}

/** Spawns `deno run -A src/main.ts mcp --project ROOT` and connects the SDK client to it. */
export async function connectStdio(
  root: string,
  home: string,
  options: ClientOptions = {},
): Promise<StdioSession> {
  const transport = new StdioClientTransport({
    command: Deno.execPath(),
    args: [
      "run",
      "-A",
      MAIN,
      "mcp",
      ...(options.roots ? [] : ["--project", root]),
      ...(options.args ?? []),
    ],
    env: serverEnv(home, options.env),
    cwd: options.roots ? root : REPO,
    stderr: "pipe",
  });
  let text = "";
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const check = () => {
    for (const waiter of [...waiters]) {
      const line = text.split("\n").find((l) => waiter.pattern.test(l));
      if (line !== undefined) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  };
  transport.stderr?.on("data", (chunk: Uint8Array | string) => {
    text += typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
    check();
  });
  const capabilities: Record<string, unknown> = {};
  if (options.elicitation) capabilities.elicitation = { form: {} };
  if (options.roots) capabilities.roots = { listChanged: false };
  const client = new Client({ name: "loom-test", version: "0.0.0" }, { capabilities });
  const roots = options.roots;
  if (roots) {
    client.setRequestHandler(ListRootsRequestSchema, () => ({
      roots: roots.map((dir) => ({ uri: `file://${dir}`, name: dir })),
    }));
  }
  await client.connect(transport);
  return {
    client,
    transport,
    stderr: () => text,
    waitForStderr: (pattern) =>
      new Promise((resolve) => {
        waiters.push({ pattern, resolve });
        check();
      }),
    async [Symbol.asyncDispose]() {
      await client.close().catch(() => {});
    },
  };
}

/** A temp directory used as Loom's home (`LOOM_HOME`); `using` removes it. */
export async function createTempHome(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.realPath(await Deno.makeTempDir({ prefix: "loom-home-" }));
  return {
    path,
    async [Symbol.asyncDispose]() {
      await Deno.remove(path, { recursive: true }).catch(() => {});
    },
  };
}

/** Process ids whose command line contains `marker` (Linux /proc). */
export async function pidsMatching(marker: string): Promise<number[]> {
  const found: number[] = [];
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const cmdline = await Deno.readTextFile(`/proc/${entry.name}/cmdline`);
      if (cmdline.replaceAll("\0", " ").includes(marker)) found.push(Number(entry.name));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/** Polls `condition` until it holds or `ms` pass; returns whether it held. */
export async function eventually(condition: () => Promise<boolean>, ms = 10_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return await condition();
}

/** A spawned `loom mcp --http --port 0` and what it printed. */
/** The headers of a raw POST into an open session of `loom mcp --http` (as a client sends them). */
export function sessionHeaders(token: string, sessionId: string): Record<string, string> {
  return {
    Authorization: `Bearer ${token}`,
    "Content-Type": "application/json",
    Accept: "application/json, text/event-stream",
    "Mcp-Session-Id": sessionId,
    "Mcp-Protocol-Version": "2025-06-18",
  };
}

export interface HttpServerProcess extends AsyncDisposable {
  url: string;
  token: string;
  /** The token line as printed (says where the token came from). */
  tokenLine: string;
  child: Deno.ChildProcess;
}

/** Spawns `loom mcp --http --port 0 --project ROOT` and waits for it to print URL and token. */
export async function startHttpServer(
  root: string,
  home: string,
  env: Record<string, string> = {},
): Promise<HttpServerProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "mcp", "--http", "--port", "0", "--project", root],
    env: serverEnv(home, env),
    cwd: REPO,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!/bearer token .*\n/.test(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`loom mcp --http exited early:\n${text}`);
    text += value;
  }
  // Keep draining stderr so the server never blocks on a full pipe.
  (async () => {
    while (!(await reader.read()).done) { /* drain */ }
  })().catch(() => {});
  const url = /at (http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(text)![1];
  const tokenLine = /^.*bearer token .*$/m.exec(text)![0];
  const token = /bearer token (\S+)/.exec(tokenLine)![1];
  return {
    url,
    token,
    tokenLine,
    child,
    async [Symbol.asyncDispose]() {
      try {
        child.kill("SIGTERM");
      } catch {
        // Already gone.
      }
      await child.status;
    },
  };
}
