import { LoomError } from "../core/mod.ts";
import type { ProcessRunner, RunOptions, RunResult } from "../core/mod.ts";
import { cleanEnv } from "./env.ts";

const DEFAULT_CAP = 1024 * 1024;
const KILL_GRACE_MS = 2000;

/** How children are wrapped: the argv prefix for the OS sandbox, if any. */
export interface SandboxWrapper {
  mode: "bwrap" | "off";
  wrap(argv: string[], cwd: string): string[];
}

/** Options for the runner: the sandbox wrapper and the environment children inherit. */
export interface RunnerOptions {
  wrapper?: SandboxWrapper;
  /** The parent's environment; secrets are removed before children see it. */
  env: Record<string, string>;
}

const NO_SANDBOX: SandboxWrapper = { mode: "off", wrap: (argv) => argv };

/**
 * The one child-process runner: own process group, stdin closed, output capped (head and tail
 * kept), TERM then KILL to the whole group on timeout or abort, secrets stripped from the env.
 */
export function createProcessRunner(options: RunnerOptions): ProcessRunner {
  const wrapper = options.wrapper ?? NO_SANDBOX;
  const baseEnv = cleanEnv(options.env);
  return {
    sandboxMode: wrapper.mode,
    run: (argv, runOptions) => runChild(argv, runOptions, wrapper, baseEnv),
  };
}

async function runChild(
  argv: string[],
  options: RunOptions,
  wrapper: SandboxWrapper,
  baseEnv: Record<string, string>,
): Promise<RunResult> {
  if (argv.length === 0) throw new Error("runChild needs a program");
  if (options.signal?.aborted) {
    throw new LoomError("CANCELLED", `Cannot run "${argv[0]}": the call was cancelled`);
  }
  const sandboxed = options.sandbox !== false && wrapper.mode !== "off";
  const full = sandboxed ? wrapper.wrap(argv, options.cwd) : argv;
  const started = performance.now();
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(full[0], {
      args: full.slice(1),
      cwd: options.cwd,
      env: { ...baseEnv, ...(options.env ?? {}) },
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      detached: true,
    }).spawn();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new LoomError(
        "NOT_FOUND",
        `Cannot run "${argv[0]}": it is not installed or not on PATH`,
        {
          cause: err,
        },
      );
    }
    throw err;
  }

  let timedOut = false;
  let cancelled = false;
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  const killGroup = (sig: Deno.Signal) => {
    try {
      Deno.kill(-child.pid, sig);
    } catch {
      // The group is already gone.
    }
  };
  const stop = () => {
    killGroup("SIGTERM");
    killTimer ??= setTimeout(() => killGroup("SIGKILL"), KILL_GRACE_MS);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    stop();
  }, options.timeoutMs);
  const onAbort = () => {
    cancelled = true;
    stop();
  };
  options.signal?.addEventListener("abort", onAbort, { once: true });

  const cap = options.maxOutputBytes ?? DEFAULT_CAP;
  try {
    const [stdout, stderr, status] = await Promise.all([
      collect(child.stdout, cap, (c) => options.onOutput?.("stdout", c)),
      collect(child.stderr, cap, (c) => options.onOutput?.("stderr", c)),
      child.status,
    ]);
    return {
      code: status.signal ? null : status.code,
      signal: status.signal ?? null,
      stdout: stdout.text,
      stderr: stderr.text,
      droppedBytes: stdout.dropped + stderr.dropped,
      timedOut,
      cancelled,
      sandboxed,
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
    // Whatever the leader did, nothing of its group outlives the call.
    killGroup("SIGKILL");
    if (killTimer !== undefined) clearTimeout(killTimer);
  }
}

/** Reads a stream to its end keeping at most `cap` bytes: the first half and the latest half. */
async function collect(
  stream: ReadableStream<Uint8Array>,
  cap: number,
  onChunk: (chunk: Uint8Array) => void,
): Promise<{ text: string; dropped: number }> {
  const headCap = Math.floor(cap / 2);
  const tailCap = cap - headCap;
  const head = new Uint8Array(headCap);
  let headLen = 0;
  let tail: Uint8Array[] = [];
  let tailLen = 0;
  let total = 0;
  for await (const chunk of stream) {
    onChunk(chunk);
    total += chunk.length;
    let rest = chunk;
    if (headLen < headCap) {
      const take = Math.min(headCap - headLen, rest.length);
      head.set(rest.subarray(0, take), headLen);
      headLen += take;
      rest = rest.subarray(take);
    }
    if (rest.length > 0) {
      tail.push(rest.slice());
      tailLen += rest.length;
      while (tailLen - tail[0].length >= tailCap) {
        tailLen -= tail[0].length;
        tail = tail.slice(1);
      }
    }
  }
  const decoder = new TextDecoder();
  let tailBytes = concat(tail, tailLen);
  if (tailBytes.length > tailCap) tailBytes = tailBytes.subarray(tailBytes.length - tailCap);
  const dropped = total - headLen - tailBytes.length;
  const headText = decoder.decode(head.subarray(0, headLen));
  if (dropped === 0) return { text: headText + decoder.decode(tailBytes), dropped: 0 };
  return {
    text: `${headText}\n[... ${dropped} bytes dropped ...]\n${decoder.decode(tailBytes)}`,
    dropped,
  };
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
