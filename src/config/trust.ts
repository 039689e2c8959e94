import { dirname, join } from "node:path";
import { refuseSpecialFile } from "../core/mod.ts";
import type { Clock } from "../core/mod.ts";
import { isTable } from "./_schema_walk.ts";
import { analyseProject, projectHash } from "./_project.ts";

export { projectHash };

/** Whether a project's widening rules are in force, and which are waiting for `loom trust`. */
export interface TrustStatus {
  /** True when the user trusted the current files, or when nothing widening is there to trust. */
  trusted: boolean;
  /** True only when `loom trust` was run for exactly the current files (git hooks need this). */
  recorded: boolean;
  /** SHA-256 of `.loom.toml` + `LOOM.md` as they are now. */
  hash: string;
  /** Each widening rule, in words: `.loom.toml:3: permissions.allow = ["shell(npm test)"]`. */
  pending: string[];
}

/** `~/.loom/trust.json`: one entry per project realpath. */
export interface TrustStore {
  projects: Record<string, { hash: string; trustedAt: string }>;
}

/** Where loadConfig and `loom trust` keep the store for a user whose config base is `home`. */
export function defaultTrustStorePath(home: string): string {
  return join(home, ".loom", "trust.json");
}

/** Reads the store; a missing file is empty, an unreadable one is empty plus a `problem` to report. */
export async function readTrustStore(
  path: string,
): Promise<{ store: TrustStore; problem?: string }> {
  let text: string;
  try {
    refuseSpecialFile(path, "read");
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return { store: { projects: {} } };
    throw err;
  }
  try {
    const parsed = JSON.parse(text);
    if (isTable(parsed) && isTable(parsed.projects)) {
      return { store: parsed as unknown as TrustStore };
    }
  } catch {
    // Falls through: a damaged store trusts nothing.
  }
  return {
    store: { projects: {} },
    problem: `${path}: trust store is not valid JSON; no project counts as trusted until ` +
      "`loom trust` rewrites it",
  };
}

/** Compares the project's files against the store. */
export function evaluateTrust(
  store: TrustStore,
  realRoot: string,
  hash: string,
  pending: string[],
): TrustStatus {
  const entry = store.projects[realRoot];
  const recorded = isTable(entry) && entry.hash === hash;
  return { trusted: recorded || pending.length === 0, recorded, hash, pending };
}

/** The trust status of the project at `root` for the user whose config base is `home`. */
export async function trustStatus(
  options: { root: string; home: string; trustStorePath?: string },
): Promise<TrustStatus> {
  const project = await analyseProject(options.root);
  const { store } = await readTrustStore(
    options.trustStorePath ?? defaultTrustStorePath(options.home),
  );
  return evaluateTrust(store, project.root, project.hash, project.pending);
}

/** Records that the user trusts the project's current `.loom.toml` and `LOOM.md` (what `loom trust` does). */
export async function recordTrust(
  options: { root: string; home: string; trustStorePath?: string; clock?: Clock },
): Promise<TrustStatus> {
  const project = await analyseProject(options.root);
  const path = options.trustStorePath ?? defaultTrustStorePath(options.home);
  const { store } = await readTrustStore(path);
  const now = options.clock ? options.clock.now() : Date.now();
  store.projects[project.root] = { hash: project.hash, trustedAt: new Date(now).toISOString() };
  await writeAtomically(path, JSON.stringify(store, null, 2) + "\n");
  return evaluateTrust(store, project.root, project.hash, project.pending);
}

async function writeAtomically(path: string, text: string): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${crypto.randomUUID()}.tmp`;
  try {
    await Deno.writeTextFile(temp, text, { mode: 0o600 });
    await Deno.rename(temp, path);
  } catch (err) {
    await Deno.remove(temp).catch(() => {});
    throw err;
  }
}
