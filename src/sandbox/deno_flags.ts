import { delimiter, join } from "node:path";

/** Set in the environment of a re-executed Loom so that it does not re-exec again. */
export const REEXEC_MARKER = "LOOM_SANDBOXED";

/** The places a sandboxed Loom front end may touch. */
export interface DenoFlagsOptions {
  /** The project root (realpath'd): read and write. */
  root: string;
  /** Loom's user data (`~/.loom`): read and write (config, trust store). */
  loomHome: string;
  /** The temp directory: read and write. */
  tempDir: string;
  /** Where Loom's own code and node_modules live: read only (grammars are read at run time). */
  appDir: string;
  /** Deno's cache directory: read only. */
  denoDir?: string;
  /** PATH entries: read only, so git, rg and bwrap can be found. */
  pathDirs: string[];
  /** For the HTTP transport: the loopback port to listen on (0: any loopback port). */
  listenPort?: number;
}

/**
 * The Deno permission flags for a sandboxed front end. `--allow-run` is unscoped on purpose:
 * killing a child's whole process group (`Deno.kill(-pid)`) needs it, and children are
 * confined by bubblewrap instead. `--allow-env` is unscoped because config reads LOOM_* and
 * provider variables by prefix.
 *
 * @example denoPermissionFlags({ root: "/p", loomHome: "/h/.loom", tempDir: "/tmp", appDir: "/a", pathDirs: [] })
 */
export function denoPermissionFlags(options: DenoFlagsOptions): string[] {
  const writable = unique([options.root, options.loomHome, options.tempDir]);
  // No credential path is readable: the caller finds the ones bubblewrap must hide before the
  // re-exec and passes them on (bwrap.ts HIDE_ENV).
  const readable = unique([
    ...writable,
    options.appDir,
    ...(options.denoDir ? [options.denoDir] : []),
    ...options.pathDirs,
  ]);
  const flags = [
    `--allow-read=${readable.join(",")}`,
    `--allow-write=${writable.join(",")}`,
    "--allow-env",
    "--allow-run",
  ];
  if (options.listenPort !== undefined) {
    flags.push(
      options.listenPort === 0
        ? "--allow-net=127.0.0.1"
        : `--allow-net=127.0.0.1:${options.listenPort}`,
      // A request's signal then aborts only when its client goes away (what cancels its
      // calls), not after every answer, and Deno stops warning about the legacy behaviour.
      "--unstable-no-legacy-abort",
    );
  }
  flags.push("--no-prompt");
  return flags;
}

/** The PATH entries of `env`, absolute ones only. */
export function pathDirsOf(env: Record<string, string>): string[] {
  return (env.PATH ?? "").split(delimiter).filter((d) => d.startsWith("/"));
}

/** Deno's cache directory as Deno itself finds it (DENO_DIR, then the XDG cache). */
export function denoDirOf(env: Record<string, string>): string | undefined {
  if (env.DENO_DIR) return env.DENO_DIR;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, "deno");
  return env.HOME ? join(env.HOME, ".cache", "deno") : undefined;
}

/** How to start the sandboxed copy of this program. */
export interface ReexecOptions {
  /** The Deno binary (Deno.execPath()). */
  execPath: string;
  flags: string[];
  /** Loom's deno.json (import map, unstable flags), when known. */
  configPath?: string;
  /** The entry module (Deno.mainModule). */
  mainModule: string;
  args: string[];
  env: Record<string, string>;
}

/** The full argv of the re-exec (for `loom doctor` and tests). */
export function reexecArgv(options: ReexecOptions): string[] {
  return [
    options.execPath,
    "run",
    ...options.flags,
    ...(options.configPath ? ["--config", options.configPath] : []),
    options.mainModule,
    ...options.args,
  ];
}

/**
 * Runs this program again under narrowed Deno permissions: replaces this process where it can
 * (execve), else starts a child with stdin/stdout/stderr inherited (it speaks the protocol
 * directly), forwards SIGINT/SIGTERM and returns its exit code.
 */
export async function reexecUnderDeno(options: ReexecOptions): Promise<number> {
  if (execUnderDeno(options)) return 0; // Never returns true: execve does not come back.
  const [program, ...args] = reexecArgv(options);
  const child = new Deno.Command(program, {
    args,
    env: { ...options.env, [REEXEC_MARKER]: "1" },
    clearEnv: true,
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  const forward = (signal: Deno.Signal) => () => {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  };
  const handlers = (["SIGINT", "SIGTERM"] as const).map((s) => [s, forward(s)] as const);
  for (const [s, h] of handlers) Deno.addSignalListener(s, h);
  try {
    const status = await child.status;
    return status.signal ? 128 + signalNumber(status.signal) : status.code;
  } finally {
    for (const [s, h] of handlers) Deno.removeSignalListener(s, h);
  }
}

/**
 * Replaces this process with the sandboxed copy (execve through FFI): the same pid, so the MCP
 * host's signals reach the server directly and no idle parent holds memory. Returns false
 * (having changed nothing) where that is impossible (no FFI permission, no libc); the caller
 * then falls back to reexecUnderDeno.
 */
export function execUnderDeno(options: ReexecOptions): boolean {
  if (Deno.build.os !== "linux" && Deno.build.os !== "darwin") return false;
  let libc;
  try {
    libc = Deno.dlopen(Deno.build.os === "linux" ? "libc.so.6" : "libc.dylib", {
      execve: { parameters: ["buffer", "buffer", "buffer"], result: "i32" },
    });
  } catch {
    return false;
  }
  const argv = reexecArgv(options);
  const env = { ...options.env, [REEXEC_MARKER]: "1" };
  const envp = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  const keep: Uint8Array[] = []; // Referenced until execve: the pointers below point into these.
  const cArray = (items: string[]) => {
    const pointers = new BigUint64Array(items.length + 1);
    items.forEach((item, i) => {
      const bytes = cString(item);
      keep.push(bytes);
      pointers[i] = BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(bytes)));
    });
    return new Uint8Array(pointers.buffer);
  };
  libc.symbols.execve(cString(argv[0]), cArray(argv), cArray(envp));
  // Only reached when execve failed; nothing has changed.
  keep.length = 0;
  libc.close();
  return false;
}

function cString(text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(text + "\0") as Uint8Array<ArrayBuffer>;
}

/** True in the re-executed child. */
export function isSandboxedChild(env: Record<string, string>): boolean {
  return env[REEXEC_MARKER] === "1";
}

/**
 * Reads `path` directly, with no path guard in between, and says what Deno allowed: "ok",
 * "NotCapable" or another error name. Tests use it to show the second wall holds on its own.
 */
export async function probeRead(path: string): Promise<string> {
  try {
    await Deno.readFile(path);
    return "ok";
  } catch (err) {
    return err instanceof Error ? err.name : String(err);
  }
}

function signalNumber(signal: Deno.Signal): number {
  const numbers: Partial<Record<Deno.Signal, number>> = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
  return numbers[signal] ?? 1;
}

function unique(items: string[]): string[] {
  return [...new Set(items.filter((item) => item !== ""))];
}
