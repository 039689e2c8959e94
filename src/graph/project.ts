import type { Clock, ProcessRunner } from "../core/mod.ts";
import { openProjectDatabase, projectDatabasePath } from "../store/mod.ts";
import type { DatabaseSync } from "../store/mod.ts";
import { readGitProvenance } from "./git_info.ts";
import { GRAPH_MIGRATIONS } from "./schema.ts";
import { DecisionGraph } from "./store.ts";

/** Where and how to open a project's decision graph. */
export interface OpenProjectGraphOptions {
  root: string;
  /** The process environment (only `LOOM_DB_PATH` is read). */
  env?: Record<string, string>;
  /** Stamp new nodes with the git branch and commit read through this runner. */
  runner?: ProcessRunner;
  clock?: Clock;
  sessionId?: string;
  signal?: AbortSignal;
}

/** An open project graph; `close()` (or `using`) releases the database. */
export interface ProjectGraph extends Disposable {
  graph: DecisionGraph;
  db: DatabaseSync;
  path: string;
  close(): void;
}

/**
 * Opens `<root>/.loom/loom.db` (or `LOOM_DB_PATH`), creating `.loom/` with its `.gitignore` and
 * running the graph's migrations on first use, and reads git provenance when given a runner.
 */
export async function openProjectGraph(options: OpenProjectGraphOptions): Promise<ProjectGraph> {
  const provenance = options.runner
    ? await readGitProvenance(options.runner, options.root, { signal: options.signal })
    : {};
  const db = openProjectDatabase(options.root, {
    env: options.env,
    migrations: [GRAPH_MIGRATIONS],
  });
  const graph = new DecisionGraph(db, {
    clock: options.clock,
    provenance: { ...provenance, sessionId: options.sessionId ?? null },
  });
  let open = true;
  const close = () => {
    if (open) db.close();
    open = false;
  };
  return {
    graph,
    db,
    path: projectDatabasePath(options.root, options.env),
    close,
    [Symbol.dispose]: close,
  };
}
