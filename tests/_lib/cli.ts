import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { denoDir } from "./home.ts";

const MAIN = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "src", "main.ts");

/** What one `loom` run printed and how it exited. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `loom ARGS` as a real subprocess, in `cwd`, with a private home and no stdin. */
export async function runLoom(
  args: string[],
  options: {
    cwd: string;
    home: string;
    env?: Record<string, string>;
    stdin?: string;
    /** Kills the run when it aborts (a deadline that fails a hung test instead of stalling it). */
    signal?: AbortSignal;
  },
): Promise<CliRun> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--quiet", MAIN, ...args],
    cwd: options.cwd,
    env: {
      NO_COLOR: "1",
      LOOM_HOME: options.home,
      HOME: options.home,
      DENO_DIR: denoDir(),
      ...options.env,
    },
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    signal: options.signal,
  }).spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const out = await child.output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}
