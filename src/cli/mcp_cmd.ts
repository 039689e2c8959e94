import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { LoomError } from "../core/mod.ts";
import type { OpenedHost } from "../tools/host.ts";
import {
  denoDirOf,
  denoPermissionFlags,
  isSandboxedChild,
  pathDirsOf,
  probeRead,
  reexecArgv,
} from "../sandbox/deno_flags.ts";
import type { ReexecOptions } from "../sandbox/deno_flags.ts";
import { findSecretPaths, HIDE_ENV } from "../sandbox/bwrap.ts";
import type { CliArgs } from "./args.ts";
import { realProjectRoot } from "../workspace/project_root.ts";

/** Default port of `loom mcp --http`. */
export const DEFAULT_MCP_PORT = 4343;

/** What `loom mcp` gets from the composition root: the outside world, as values. */
export interface McpCommandDeps {
  args: CliArgs;
  /** The raw command line, passed on unchanged to the sandboxed re-exec. */
  argv: string[];
  env: Record<string, string>;
  home: string;
  /** Called only when needed: Deno.cwd() and Deno.execPath() need read access in the sandbox. */
  cwd: () => string;
  tempDir: string;
  execPath: () => string;
  mainModule: string;
  version: string;
  err: (text: string) => void;
  /** Starts the sandboxed copy and returns its exit code. */
  reexec: (options: ReexecOptions) => Promise<number>;
  /** Resolves on SIGINT/SIGTERM (HTTP mode stops then). */
  stopSignal: () => Promise<void>;
}

/** Where the re-exec would run, and with which flags (for `loom doctor` too). */
export interface McpSandboxPlan {
  /** False when LOOM_MCP_SANDBOX=off or already inside the sandbox. */
  reexec: boolean;
  argv: string[];
  flags: string[];
}

/** V8's young-generation semi-space for the sandboxed server, in MB (see planMcpSandbox). */
const SEMI_SPACE_MB = 2;

/** Names the private temp dir the sandboxed server removes when it stops. */
const TEMP_ENV = "LOOM_MCP_TEMP";

/** Runs `loom mcp [--http] [--port N]`: re-execs into Deno's sandbox, then serves. */
export async function runMcpCommand(deps: McpCommandDeps): Promise<number> {
  const { args, env } = deps;
  const port = parsePort(args);
  const root = await realProjectRoot(args.project ?? deps.cwd(), "serve");
  if (!isSandboxedChild(env) && env.LOOM_MCP_SANDBOX !== "off") {
    // A private temp dir: the child may write there, but not in everyone's /tmp. The re-exec
    // usually replaces this process, so the sandboxed server removes it when it stops.
    const tempDir = await Deno.makeTempDir({ dir: deps.tempDir, prefix: "loom-mcp-" });
    try {
      const plan = await planMcpSandbox({ ...deps, tempDir }, root, args.http ? port : undefined);
      return await deps.reexec({
        execPath: deps.execPath(),
        flags: plan.flags,
        configPath: await configPathOf(deps.mainModule),
        mainModule: deps.mainModule,
        args: deps.argv,
        env: {
          ...env,
          TMPDIR: tempDir,
          [TEMP_ENV]: tempDir,
          // Found here, while this process can still see them: the sandboxed copy cannot.
          [HIDE_ENV]: JSON.stringify(findSecretPaths(env.HOME)),
        },
      });
    } finally {
      await Deno.remove(tempDir, { recursive: true }).catch(() => {});
    }
  }
  try {
    return await serve(deps, root, port);
  } finally {
    const temp = env[TEMP_ENV];
    if (temp && isSandboxedChild(env)) await Deno.remove(temp, { recursive: true }).catch(() => {});
  }
}

async function serve(deps: McpCommandDeps, root: string, port: number): Promise<number> {
  const { args, env, err } = deps;
  // Loaded here, not at start-up: the re-exec parent never needs the server. serve.ts loads the
  // SDK itself, after stdio's `initialize` is answered.
  const { serveHttp, serveStdio } = await load<typeof import("../mcp/server/serve.ts")>(
    "../mcp/server/serve.ts",
  );
  if (env.LOOM_SANDBOX_PROBE) {
    // Test hook: a direct read with no path guard in between shows what Deno itself allows.
    err(`loom-sandbox-probe: ${await probeRead(env.LOOM_SANDBOX_PROBE)}\n`);
  }
  const openHost = async (dir: string): Promise<OpenedHost> => {
    const { openToolHost } = await load<typeof import("../tools/host.ts")>("../tools/host.ts");
    const opened = await openToolHost({
      root: dir,
      home: deps.home,
      env,
      flags: args.yes ? { permissions: { auto_approve: true } } : undefined,
    });
    // stderr only: stdout carries the protocol. A misspelt key must not pass in silence.
    for (const warning of opened.loaded.warnings) err(`loom mcp: warning: ${warning}\n`);
    return opened;
  };
  const log = (text: string) => err(text.endsWith("\n") ? text : text + "\n");
  if (!args.http) {
    await serveStdio({
      openHost,
      project: args.project === undefined ? undefined : root,
      cwd: root,
      canUseRoot: (path) => isGranted("read", path) && isGranted("write", path),
      version: deps.version,
      log,
      // SIGTERM/SIGINT cancel running tools at once; a closed stdin first lets them answer
      // (up to EOF_GRACE_MS).
      stop: deps.stopSignal(),
    });
    return 0;
  }
  const { loadOrCreateToken } = await load<typeof import("../mcp/server/token.ts")>(
    "../mcp/server/token.ts",
  );
  const { token, source } = await loadOrCreateToken(root, env.LOOM_MCP_TOKEN);
  const serving = await serveHttp({
    openHost,
    project: root,
    cwd: root,
    version: deps.version,
    log,
    port,
    token,
  });
  log(`loom mcp: serving ${root} at ${serving.url}`);
  log(
    `loom mcp: bearer token ${token} (${
      source === "LOOM_MCP_TOKEN" ? "from LOOM_MCP_TOKEN" : `stored in ${source}`
    })`,
  );
  await Promise.race([deps.stopSignal().then(() => serving.shutdown()), serving.finished]);
  return 0;
}

/** The re-exec flags for serving `root` (stdio when `listenPort` is undefined). */
export async function planMcpSandbox(
  deps: Pick<McpCommandDeps, "env" | "home" | "tempDir" | "execPath" | "mainModule" | "argv">,
  root: string,
  listenPort?: number,
): Promise<McpSandboxPlan> {
  const { env } = deps;
  const configPath = await configPathOf(deps.mainModule);
  const appDir = configPath
    ? dirname(configPath)
    : dirname(dirname(fileURLToPath(deps.mainModule)));
  const flags = denoPermissionFlags({
    root,
    loomHome: join(deps.home, ".loom"),
    tempDir: deps.tempDir,
    appDir,
    denoDir: denoDirOf(env),
    pathDirs: pathDirsOf(env),
    listenPort,
  });
  // With a node_modules already set up, "manual" skips re-checking it against the lockfile,
  // which costs ~45 ms of start-up under "auto" (it walks every module the entry may load).
  if (configPath && await isDirectory(join(appDir, "node_modules"))) {
    flags.unshift("--node-modules-dir=manual");
  }
  // A small young generation: replies to large reads are short-lived garbage, and V8's default
  // semi-space lets ~30 MB of it sit in RSS. Measured here: same latency, a quarter less RSS.
  flags.unshift(`--v8-flags=--max-semi-space-size=${SEMI_SPACE_MB}`);
  const reexec = !isSandboxedChild(env) && env.LOOM_MCP_SANDBOX !== "off";
  const argv = reexecArgv({
    execPath: reexec ? deps.execPath() : "deno",
    flags,
    configPath,
    mainModule: deps.mainModule,
    args: deps.argv,
    env,
  });
  return { reexec, argv, flags };
}

function parsePort(args: CliArgs): number {
  if (args.port === undefined) return DEFAULT_MCP_PORT;
  if (!args.http) {
    throw new LoomError("USAGE", `Cannot use "--port ${args.port}": it needs --http`);
  }
  const port = Number(args.port);
  if (!/^\d+$/.test(args.port) || port > 65535) {
    throw new LoomError(
      "USAGE",
      `Cannot use "--port ${args.port}": expected a number from 0 to 65535`,
    );
  }
  return port;
}

async function configPathOf(mainModule: string): Promise<string | undefined> {
  if (!mainModule.startsWith("file:")) return undefined;
  const candidate = fileURLToPath(new URL("../deno.json", mainModule));
  try {
    await Deno.stat(candidate);
    return candidate;
  } catch {
    return undefined;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}

/**
 * Loads a module on demand. The specifier is computed on purpose: a literal `import("./x.ts")`
 * makes Deno prepare that module's whole graph (the SDK, zod, the tools and, under
 * `nodeModulesDir: auto`, a node_modules check) before this module runs, which cost the re-exec
 * parent ~35 ms of start-up for modules only the sandboxed copy uses.
 */
function load<T>(path: string): Promise<T> {
  return import(new URL(path, import.meta.url).href);
}

function isGranted(name: "read" | "write", path: string): boolean {
  return Deno.permissions.querySync({ name, path }).state === "granted";
}
