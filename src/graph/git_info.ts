import type { ProcessRunner } from "../core/mod.ts";
import type { Provenance } from "./types.ts";

/**
 * The project's current git branch and commit, read with `git rev-parse`; empty outside a git
 * repository, before the first commit, or when git is missing.
 */
export async function readGitProvenance(
  runner: ProcessRunner,
  root: string,
  options: { signal?: AbortSignal } = {},
): Promise<Provenance> {
  const run = async (args: string[]) => {
    try {
      const result = await runner.run(["git", ...args], {
        cwd: root,
        timeoutMs: 5000,
        signal: options.signal,
        sandbox: false,
        maxOutputBytes: 4096,
      });
      return result.code === 0 ? result.stdout.trim() || null : null;
    } catch {
      return null;
    }
  };
  const [branch, commit] = await Promise.all([
    run(["rev-parse", "--abbrev-ref", "HEAD"]),
    run(["rev-parse", "HEAD"]),
  ]);
  return { branch: branch === "HEAD" ? null : branch, commit };
}
