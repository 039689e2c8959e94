// Drives a program in a real pseudo-terminal through tmux: start it at a given size, send keys,
// wait for text on the screen, kill it. Each Pty runs its own tmux server (a private socket),
// so disposing it never touches anyone else's sessions.
import { denoDir } from "./home.ts";

/** How to start the program. */
export interface PtyOptions {
  cols?: number;
  rows?: number;
  cwd?: string;
  /** Extra environment for the program (NO_COLOR, LOOM_*, …). */
  env?: Record<string, string>;
}

/** A running program in a terminal. Dispose it (or `await using`) to kill it. */
export interface Pty extends AsyncDisposable {
  /** Sends tmux key names: `Enter`, `C-c`, `Up`, `BSpace`, `M-Enter`, `Tab`, `Escape`. */
  keys(...names: string[]): Promise<void>;
  /** Types text literally, as a person would. */
  type(text: string): Promise<void>;
  /** Pastes text the way a terminal does (bracketed when the program asked for it). */
  paste(text: string): Promise<void>;
  /** The visible screen, one line per row, trailing spaces removed. */
  screen(options?: { ansi?: boolean }): Promise<string>;
  /** Everything printed so far: scrollback plus the screen. */
  transcript(options?: { ansi?: boolean }): Promise<string>;
  /**
   * Polls the transcript until `pattern` matches and returns the transcript; fails after
   * `timeoutMs` (default 10 s) showing what was on screen.
   */
  waitFor(pattern: RegExp, options?: { timeoutMs?: number; ansi?: boolean }): Promise<string>;
  /** The exit status once the program has ended, else undefined. */
  exitStatus(): Promise<number | undefined>;
  /** Polls until the program has ended and returns its exit status; bounded like waitFor. */
  waitForExit(options?: { timeoutMs?: number }): Promise<number>;
  dispose(): Promise<void>;
}

let counter = 0;

async function tmux(socket: string, args: string[]): Promise<string> {
  const out = await new Deno.Command("tmux", {
    args: ["-L", socket, "-f", "/dev/null", ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`tmux ${args[0]} failed: ${new TextDecoder().decode(out.stderr).trim()}`);
  }
  return new TextDecoder().decode(out.stdout);
}

/** Starts `command` in a new tmux server at `cols`×`rows` (default 80×24). */
export async function startPty(command: string[], options: PtyOptions = {}): Promise<Pty> {
  const statusDir = await Deno.makeTempDir({ prefix: "loom-pty-" });
  const statusFile = `${statusDir}/status`;
  const socket = `loom-pty-${Deno.pid}-${++counter}-${crypto.randomUUID().slice(0, 8)}`;
  const env = Object.entries({ TERM: "xterm-256color", ...options.env })
    .flatMap(([k, v]) => ["-e", `${k}=${v}`]);
  await tmux(socket, [
    "start-server",
    ";",
    "set-option",
    "-g",
    "remain-on-exit",
    "on",
    ";",
    "new-session",
    "-d",
    "-s",
    "main",
    "-x",
    String(options.cols ?? 80),
    "-y",
    String(options.rows ?? 24),
    ...(options.cwd ? ["-c", options.cwd] : []),
    ...env,
    "--",
    // tmux sometimes leaves an exited program a zombie for long, so a wrapper records the exit
    // status in a file (written whole by a rename) instead of asking tmux for it. Like an
    // interactive shell, the wrapper outlives a Ctrl-C that its program handles (`trap :` is
    // reset to the default in the program, unlike an ignored signal).
    "sh",
    "-c",
    'trap : INT; "$@"; s=$?; echo $s > "$0.tmp"; mv "$0.tmp" "$0"',
    statusFile,
    ...command,
  ]);
  let disposed = false;
  const capture = async (history: boolean, ansi = false) => {
    const text = await tmux(socket, [
      "capture-pane",
      "-p",
      ...(ansi ? ["-e"] : []),
      ...(history ? ["-S", "-"] : []),
      "-t",
      "main",
    ]);
    return text.split("\n").map((l) => l.trimEnd()).join("\n").replace(/\n+$/, "");
  };
  const pty: Pty = {
    async keys(...names) {
      await tmux(socket, ["send-keys", "-t", "main", ...names]);
    },
    async type(text) {
      await tmux(socket, ["send-keys", "-t", "main", "-l", "--", text]);
    },
    async paste(text) {
      await tmux(socket, ["set-buffer", "-b", "loom-paste", "--", text]);
      await tmux(socket, ["paste-buffer", "-p", "-d", "-b", "loom-paste", "-t", "main"]);
    },
    screen: (o = {}) => capture(false, o.ansi),
    transcript: (o = {}) => capture(true, o.ansi),
    async waitFor(pattern, o = {}) {
      const deadline = Date.now() + (o.timeoutMs ?? 10_000);
      let text = "";
      while (Date.now() < deadline) {
        text = await capture(true, o.ansi);
        if (pattern.test(text)) return text;
        // A poll interval, not a synchronisation sleep: the deadline bounds the wait.
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`Timed out waiting for ${pattern} on the terminal; it shows:\n${text}`);
    },
    async exitStatus() {
      try {
        return Number((await Deno.readTextFile(statusFile)).trim());
      } catch (err) {
        if (err instanceof Deno.errors.NotFound) return undefined;
        throw err;
      }
    },
    async waitForExit(o = {}) {
      const deadline = Date.now() + (o.timeoutMs ?? 10_000);
      while (Date.now() < deadline) {
        const status = await pty.exitStatus();
        if (status !== undefined) return status;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(
        `Timed out waiting for the program to exit; it shows:\n${await capture(true)}`,
      );
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await tmux(socket, ["kill-server"]).catch(() => {});
      await Deno.remove(statusDir, { recursive: true });
    },
    [Symbol.asyncDispose]() {
      return pty.dispose();
    },
  };
  return pty;
}

const MAIN = new URL("../../src/main.ts", import.meta.url).pathname;

/**
 * Starts `loom ARGS` in `cwd` in a terminal (100×40 unless `cols`), colour off unless `plain` is
 * false, with a private home (`LOOM_HOME` too) that disposing removes. `env` comes first (the
 * fake provider's variables, say).
 */
export async function startLoom(
  cwd: string,
  env: Record<string, string>,
  args: string[] = [],
  options: { plain?: boolean; cols?: number } = {},
): Promise<Pty & { home: string }> {
  const home = await Deno.makeTempDir({ prefix: "loom-home-" });
  const pty = await startPty(["deno", "run", "--allow-all", "--quiet", MAIN, ...args], {
    cols: options.cols ?? 100,
    rows: 40,
    cwd,
    env: {
      ...env,
      HOME: home,
      DENO_DIR: denoDir(),
      LOOM_HOME: home,
      LOOM_SANDBOX_MODE: "off",
      NO_COLOR: options.plain === false ? "" : "1",
    },
  });
  const dispose = pty.dispose;
  return Object.assign(pty, {
    home,
    async dispose() {
      await dispose();
      await Deno.remove(home, { recursive: true }).catch(() => {});
    },
    [Symbol.asyncDispose]() {
      return this.dispose();
    },
  });
}
