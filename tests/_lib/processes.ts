import { createBwrapWrapper, probeWrapper } from "../../src/sandbox/mod.ts";
import type { SandboxWrapper } from "../../src/sandbox/mod.ts";

/** A marker unique to one test, to put in command lines and find the processes again. */
export function uniqueToken(): string {
  return `${Date.now()}${Math.floor(Math.random() * 1e9)}`;
}

/** A `sleep` whose command line carries `token` (GNU sleep accepts a fractional duration). */
export function markedSleep(token: string, seconds = 1000): string {
  return `sleep ${seconds}.${token}`;
}

/** Host pids of live (non-zombie) processes whose command line contains `token`. */
export function processesWith(token: string): number[] {
  const found: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const cmdline = Deno.readTextFileSync(`/proc/${entry.name}/cmdline`).replaceAll("\0", " ");
      if (!cmdline.includes(token)) continue;
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
      if (state !== "Z" && state !== "X") found.push(Number(entry.name));
    } catch {
      // Exited while we looked.
    }
  }
  return found;
}

/**
 * Waits (bounded) until no process carries `token`, and returns the survivors. SIGKILL is
 * delivered at once but the kernel tears a process down asynchronously: this waits for that only.
 */
/** Waits (bounded) until a process carrying `token` runs: the call has really started. */
export async function waitForProcess(token: string, boundMs = 15_000): Promise<void> {
  const deadline = performance.now() + boundMs;
  while (processesWith(token).length === 0) {
    if (performance.now() > deadline) throw new Error(`no process with ${token} appeared`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function survivorsOf(token: string, boundMs = 5000): Promise<number[]> {
  const deadline = performance.now() + boundMs;
  let alive = processesWith(token);
  while (alive.length > 0 && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    alive = processesWith(token);
  }
  return alive;
}

/** Kills whatever a failed test left behind. */
export function killAll(pids: number[]): void {
  for (const pid of pids) {
    try {
      Deno.kill(pid, "SIGKILL");
    } catch {
      // Gone already.
    }
  }
}

/** A real bubblewrap wrapper on `root`, or null where bwrap is missing or does not work. */
export async function bwrapOrNull(
  root: string,
  options: { network?: boolean; home?: string } = {},
): Promise<SandboxWrapper | null> {
  const wrapper = createBwrapWrapper({
    root,
    network: options.network ?? false,
    bwrapPath: "bwrap",
    home: options.home,
  });
  const failure = await probeWrapper(wrapper, root, { PATH: Deno.env.get("PATH") ?? "" });
  return failure === null ? wrapper : null;
}

/** True when bubblewrap works on this machine (tests that need it are skipped otherwise). */
export const HAS_BWRAP = await (async () => {
  const dir = await Deno.makeTempDir();
  try {
    return (await bwrapOrNull(await Deno.realPath(dir))) !== null;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
})();
