/** Options for one child process. stdin is always closed. */
export interface RunOptions {
  /** Working directory (absolute, already through the path guard). */
  cwd: string;
  /** Kill the whole process group after this long (TERM, then KILL). */
  timeoutMs: number;
  /** Aborting kills the whole process group. */
  signal?: AbortSignal;
  /** Cap on stdout and stderr each; the head and tail are kept. */
  maxOutputBytes?: number;
  /** Extra environment, added after secrets are stripped from the inherited one. */
  env?: Record<string, string>;
  /** Inherited variables whose names start with one of these are removed before `env` is added. */
  dropEnvPrefixes?: string[];
  /** Run inside the OS sandbox when one is configured (default true). */
  sandbox?: boolean;
  /** Called with each chunk of output as it arrives (for progress). */
  onOutput?: (stream: "stdout" | "stderr", chunk: Uint8Array) => void;
}

/** What a finished child left behind. */
export interface RunResult {
  /** Exit code, or null when killed by a signal. */
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Bytes dropped from the middle of stdout + stderr by the cap. */
  droppedBytes: number;
  timedOut: boolean;
  cancelled: boolean;
  /** False when the command ran without the OS sandbox. */
  sandboxed: boolean;
  durationMs: number;
  /** Protected project paths (e.g. LOOM.md) the sandboxed command created and Loom removed. */
  reverted?: string[];
}

/** The one way Loom starts child processes (process group, timeout, caps, clean env). */
export interface ProcessRunner {
  run(argv: string[], options: RunOptions): Promise<RunResult>;
  /** "bwrap" when children run under bubblewrap, "off" otherwise. */
  readonly sandboxMode: "bwrap" | "off";
}

/** Time, injected so tests can control it. */
export interface Clock {
  now(): number;
}
