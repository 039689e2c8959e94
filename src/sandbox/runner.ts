import { LoomError } from "../core/mod.ts";
import type { ProcessRunner, RunOptions, RunResult } from "../core/mod.ts";
import { OutputCapture } from "./_capture.ts";
import { cleanEnv } from "./env.ts";
import type { SandboxWrapper } from "./types.ts";

export type { SandboxWrapper } from "./types.ts";

const DEFAULT_CAP = 1024 * 1024;
const DEFAULT_KILL_GRACE_MS = 2000;
/** After the group is dead, how long to keep reading pipes that a runaway process still holds. */
const DRAIN_MS = 1000;

/** Options for the runner: the sandbox wrapper and the environment children inherit. */
export interface RunnerOptions {
  wrapper?: SandboxWrapper;
  /** The parent's environment; secrets are removed before children see it. */
  env: Record<string, string>;
  /** Time between TERM and KILL when a run is stopped (default 2 s). */
  killGraceMs?: number;
}

const NO_SANDBOX: SandboxWrapper = { mode: "off", wrap: (argv) => argv };

/**
 * The one child-process runner: own process group, stdin closed, output capped (head and tail
 * kept), TERM then KILL to the whole group on timeout or abort, secrets stripped from the env.
 */
export function createProcessRunner(options: RunnerOptions): ProcessRunner {
  const wrapper = options.wrapper ?? NO_SANDBOX;
  const baseEnv = cleanEnv(options.env);
  const graceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  return {
    sandboxMode: wrapper.mode,
    run: (argv, runOptions) => runChild(argv, runOptions, { wrapper, baseEnv, graceMs }),
  };
}

interface Setup {
  wrapper: SandboxWrapper;
  baseEnv: Record<string, string>;
  graceMs: number;
}

async function runChild(argv: string[], options: RunOptions, setup: Setup): Promise<RunResult> {
  if (argv.length === 0) throw new Error("runChild needs a program");
  if (options.signal?.aborted) {
    throw new LoomError("CANCELLED", `Cannot run "${argv[0]}": the call was cancelled`);
  }
  const sandboxed = options.sandbox !== false && setup.wrapper.mode !== "off";
  const full = sandboxed ? setup.wrapper.wrap(argv, options.cwd) : argv;
  const finishProtected = sandboxed ? await setup.wrapper.watchProtected?.() : undefined;
  const started = performance.now();
  const child = spawn(full, options, setup.baseEnv, argv[0]);

  const group = new GroupKiller(child.pid, setup.graceMs);
  let timedOut = false;
  let cancelled = false;
  const timer = setTimeout(() => {
    timedOut = true;
    group.stop();
  }, options.timeoutMs);
  const onAbort = () => {
    cancelled = true;
    group.stop();
  };
  options.signal?.addEventListener("abort", onAbort, { once: true });

  const cap = options.maxOutputBytes ?? DEFAULT_CAP;
  const out = new OutputCapture(cap);
  const err = new OutputCapture(cap);
  const pumps = [
    pump(child.stdout, out, (c) => options.onOutput?.("stdout", c)),
    pump(child.stderr, err, (c) => options.onOutput?.("stderr", c)),
  ];
  try {
    const status = await child.status;
    // The leader is gone: its stragglers go too (they would hold the pipes open), and what they
    // already wrote stays readable in the pipes.
    group.kill();
    await drain(pumps);
    const stdout = out.result();
    const stderr = err.result();
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
      ...(finishProtected ? { reverted: await finishProtected() } : {}),
    };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
    group.kill();
    group.dispose();
    for (const p of pumps) p.cancel();
  }
}

function spawn(
  full: string[],
  options: RunOptions,
  baseEnv: Record<string, string>,
  program: string,
): Deno.ChildProcess {
  try {
    return new Deno.Command(full[0], {
      args: full.slice(1),
      cwd: options.cwd,
      env: childEnv(baseEnv, options),
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      // Its own session and process group: kill(-pid) then reaches every descendant that stayed.
      detached: true,
    }).spawn();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new LoomError(
        "NOT_FOUND",
        `Cannot run "${program}": it is not installed or not on PATH, or the directory "${options.cwd}" is missing`,
        { cause: err },
      );
    }
    throw err;
  }
}

function childEnv(baseEnv: Record<string, string>, options: RunOptions): Record<string, string> {
  const drop = options.dropEnvPrefixes ?? [];
  const kept = Object.entries(baseEnv).filter(([name]) => !drop.some((p) => name.startsWith(p)));
  return { ...Object.fromEntries(kept), ...(options.env ?? {}) };
}

/** Signals a whole process group: TERM then KILL after a grace period, or KILL at once. */
class GroupKiller {
  readonly #pgid: number;
  readonly #graceMs: number;
  #killTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(pgid: number, graceMs: number) {
    this.#pgid = pgid;
    this.#graceMs = graceMs;
  }

  stop(): void {
    this.#send("SIGTERM");
    this.#killTimer ??= setTimeout(() => this.kill(), this.#graceMs);
  }

  kill(): void {
    this.#send("SIGKILL");
  }

  dispose(): void {
    if (this.#killTimer !== undefined) clearTimeout(this.#killTimer);
  }

  #send(signal: Deno.Signal): void {
    try {
      Deno.kill(-this.#pgid, signal);
    } catch {
      // The group is already empty.
    }
  }
}

interface Pump {
  done: Promise<void>;
  cancel(): void;
}

const READ_BUFFER_BYTES = 64 * 1024;

/**
 * Reads `stream` into `capture` through one reused buffer (a BYOB reader), so a child printing
 * gigabytes costs no more memory than the cap. `onChunk` sees a view that is only valid during
 * the call: copy it to keep it.
 */
function pump(
  stream: ReadableStream<Uint8Array>,
  capture: OutputCapture,
  onChunk: (chunk: Uint8Array) => void,
): Pump {
  const reader = stream.getReader({ mode: "byob" });
  const done = (async () => {
    let buffer = new Uint8Array(READ_BUFFER_BYTES);
    try {
      while (true) {
        const { value, done } = await reader.read(buffer);
        if (done || value === undefined) return;
        capture.push(value);
        try {
          onChunk(value);
        } catch {
          // Progress is best effort; a failing listener must not leave the child running.
        }
        buffer = new Uint8Array(value.buffer);
      }
    } catch {
      // Cancelled, or the pipe broke: what was captured stands.
    } finally {
      reader.releaseLock();
    }
  })();
  return { done, cancel: () => reader.cancel().catch(() => {}) };
}

/**
 * Waits for both pipes to close. A process that left the group (setsid, only possible without the
 * sandbox's PID namespace) may hold them open forever, so reading stops after DRAIN_MS.
 */
async function drain(pumps: Pump[]): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), DRAIN_MS);
  });
  const all = Promise.all(pumps.map((p) => p.done));
  const first = await Promise.race([all, deadline]);
  clearTimeout(timer);
  if (first === "late") {
    for (const p of pumps) p.cancel();
    await all;
  }
}
