// Imports name files, not folders' mod.ts: a mod.ts re-exports modules that `loom tool` never
// needs (the config schema, ignore files, the shell parser), and each one costs start-up time.
import { join } from "node:path";
import { loadConfig } from "../config/load.ts";
import type { LoadedConfig } from "../config/load.ts";
import type { DeepPartial, LoomConfig } from "../config/schema.ts";
import { createPermissionEngine } from "../permissions/engine.ts";
import type { Asker } from "../permissions/types.ts";
import {
  createDeferredRunner,
  createProcessRunner,
  findOnPath,
  resolveSandbox,
} from "../sandbox/mod.ts";
import type { ResolvedSandbox } from "../sandbox/mod.ts";
import { LoomError } from "../core/errors.ts";
import { createPathGuard } from "../workspace/guard.ts";
import { fsReason, isReadOnlyFs } from "../workspace/project_root.ts";
import { ReadLedger } from "../workspace/ledger.ts";
import { loadToolRegistry, preloadTools } from "./loaders.ts";
import type { ToolHost } from "./run.ts";
import type { OpenGraph } from "./_decision_format.ts";
import type { ProjectGraph } from "../graph/mod.ts";

/** Where and how to open a project. The environment comes in as a value, never read here. */
export interface OpenHostOptions {
  root: string;
  home: string;
  env: Record<string, string>;
  flags?: DeepPartial<LoomConfig>;
  ask?: Asker;
  /** A person runs one tool by hand (`loom tool`): overwrites need no earlier file_read. */
  implicitReads?: boolean;
  /** Stamped on decision-graph nodes made through this host. */
  sessionId?: string;
  /** Load only these tools' modules (`loom tool NAME`); default: every tool, as listings need. */
  tools?: readonly string[];
  /** Read no config file: defaults, flags and environment only (see LoadConfigOptions). */
  ignoreConfigFiles?: boolean;
}

/** A ready tool host plus what was learned opening it (for doctor, trust and the MCP server). */
export interface OpenedHost {
  host: ToolHost;
  loaded: LoadedConfig;
  /** Picks the OS sandbox on first call (probing bubblewrap); runs reuse the answer. */
  sandbox: () => Promise<ResolvedSandbox>;
  rgPath: string | null;
  /** The project's decision graph, opened (and migrated) on first call, then shared. */
  graph: OpenGraph;
  /** Closes the decision graph's database if it was opened. */
  closeGraph(): void;
}

/** Loads config and rules, picks the sandbox, and builds the tool host for one project. */
export async function openToolHost(options: OpenHostOptions): Promise<OpenedHost> {
  preloadTools(options.tools); // The tool modules load while the config is read.
  const guard = await createPathGuard(options.root);
  // Independent lookups, started together.
  const [loaded, rgPath] = await Promise.all([
    loadConfig({
      root: guard.root,
      home: options.home,
      env: options.env,
      flags: options.flags,
      ignoreConfigFiles: options.ignoreConfigFiles,
    }),
    options.env.LOOM_SEARCH_ENGINE === "builtin" ? null : findOnPath("rg", options.env),
  ]);
  const { config, rules } = loaded;
  let resolved: Promise<ResolvedSandbox> | undefined;
  const sandbox = () =>
    resolved ??= resolveSandbox({
      mode: config.sandbox.mode,
      network: config.sandbox.network,
      root: guard.root,
      env: options.env,
    }).then(async (found) => {
      if (found.mode === "bwrap") await ensureDataDir(guard.root);
      return found;
    });
  const runner = createDeferredRunner(
    async () => createProcessRunner({ wrapper: (await sandbox()).wrapper, env: options.env }),
    createProcessRunner({ env: options.env }),
  );
  const permissions = createPermissionEngine({
    permissions: config.permissions,
    rules,
    root: guard.root,
    autoApproveSource: options.flags?.permissions?.auto_approve ? "--yes" : undefined,
  });
  // SQLite loads only when a decision tool or resource first needs it, never at start-up.
  let project: Promise<ProjectGraph> | undefined;
  const graph: OpenGraph = async () => {
    project ??= import("../graph/mod.ts").then((g) =>
      g.openProjectGraph({
        root: guard.root,
        env: options.env,
        runner,
        sessionId: options.sessionId,
      })
    );
    try {
      return (await project).graph;
    } catch (err) {
      project = undefined; // A failed open (read-only .loom/) is retried on the next call.
      throw err;
    }
  };
  const closeGraph = () => {
    project?.then((p) => p.close(), () => {});
  };
  const host: ToolHost = {
    tools: await loadToolRegistry({ rgPath, openGraph: graph }, options.tools),
    permissions,
    ask: options.ask,
    trustPending: loaded.trust.trusted ? [] : loaded.trust.pending,
    context: {
      guard,
      ledger: new ReadLedger({ implicitReads: options.implicitReads }),
      runner,
      config,
      rules,
      trusted: loaded.trust.recorded,
      signal: new AbortController().signal,
      isReadDenied: (rel) => permissions.isReadDenied(rel),
    },
  };
  return { host, loaded, sandbox, rgPath, graph, closeGraph };
}

/** What to do when `.loom/` cannot be written (`loom doctor` prints it as the fix). */
export const DATA_DIR_FIX = "make the project writable (or mount it read-write), or set " +
  "LOOM_DB_PATH to a writable file; until then tools that read work, but the decision graph " +
  "and sessions cannot be saved";

/**
 * Creates `.loom/` (ignored by git) so the sandbox can bind it read-only: a directory that does
 * not exist when a sandboxed command starts could be created by that command. On a read-only
 * file system nothing can create it, sandboxed commands included, so none is needed there.
 */
async function ensureDataDir(root: string): Promise<void> {
  try {
    await createDataDir(root);
  } catch (err) {
    if (!(err instanceof DataDirError && isReadOnlyFs(err.cause))) throw err;
  }
}

/** Creates `<root>/.loom/` with its `.gitignore` unless it exists; a LoomError names the cause. */
async function createDataDir(root: string): Promise<string> {
  const dir = join(root, ".loom");
  try {
    await Deno.mkdir(dir);
  } catch (err) {
    if (err instanceof Deno.errors.AlreadyExists) return dir;
    throw new DataDirError("create", dir, err);
  }
  const ignore = join(dir, ".gitignore");
  await Deno.writeTextFile(ignore, "*\n").catch((err) => {
    throw new DataDirError("create", ignore, err);
  });
  return dir;
}

/**
 * Why Loom cannot keep its data in `<root>/.loom/` (a read-only project, no permission), or
 * undefined when it can. Creates `.loom/` when missing, and writes and removes a probe file.
 */
export async function probeDataDir(root: string): Promise<string | undefined> {
  try {
    const dir = await createDataDir(root);
    const probe = await Deno.makeTempFile({ dir, prefix: ".probe-" }).catch((err) => {
      throw new DataDirError("write in", dir, err);
    });
    await Deno.remove(probe);
    return undefined;
  } catch (err) {
    if (err instanceof DataDirError) return err.problem;
    throw err;
  }
}

/** `Cannot create "<root>/.loom": read-only file system; <what to do>`. */
class DataDirError extends LoomError {
  /** The message without what to do (doctor shows that apart). */
  readonly problem: string;

  constructor(verb: string, path: string, cause: unknown) {
    const problem = `Cannot ${verb} "${path}": ${fsReason(cause)}`;
    super("UNAVAILABLE", `${problem}; ${DATA_DIR_FIX.slice(0, DATA_DIR_FIX.indexOf(";"))}`, {
      cause,
    });
    this.problem = problem;
  }
}
