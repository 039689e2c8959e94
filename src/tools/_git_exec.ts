import { relative } from "node:path";
import { LoomError, toPosix } from "../core/mod.ts";
import type { RunOptions, RunResult } from "../core/mod.ts";
import type { ToolContext } from "./define.ts";

const TIMEOUT_MS = 60_000;
const MAX_OUTPUT_BYTES = 256 * 1024;

/**
 * Settings on every call. None of them can be undone by the repository: `-c` beats every
 * config file. Network is off (`protocol.allow=never` also stops lazy fetches of a partial
 * clone), nothing pages, no external diff, no fsmonitor command, no background gc.
 */
const ALWAYS = [
  "core.fsmonitor=false",
  "core.pager=cat",
  "diff.external=",
  "protocol.allow=never",
  "log.showSignature=false",
  "gc.auto=0",
  "maintenance.auto=false",
  "color.ui=false",
];

/**
 * Extra settings for untrusted projects: no hooks, no signing program, and submodules left
 * alone (their own config is not scanned, so git must not run inside them).
 */
const UNTRUSTED = [
  "core.hooksPath=/dev/null",
  "commit.gpgSign=false",
  "submodule.recurse=false",
  "diff.ignoreSubmodules=all",
  "status.submoduleSummary=false",
];

/** The repository the project lives in, and what its own config would make git run. */
export interface Repo {
  /** Real path of the work tree's top level. */
  top: string;
  gitDir: string;
  /** True when the top level is the project root; otherwise the project is a subfolder. */
  isRoot: boolean;
  /** Top-relative POSIX prefix of the project ("" at the root, else "sub/dir/"). */
  prefix: string;
  /** Config values that neutralise the repository's own filter and diff drivers. */
  overrides: [string, string][];
  /** Merge drivers the repository's own config defines (they run on stash apply/pop). */
  mergeDrivers: string[];
}

/** How one git call runs. */
export interface GitCall {
  /** Mutating calls run outside the sandbox (it makes .git read-only) and take locks. */
  mutating: boolean;
  maxOutputBytes?: number;
  /** Hears the raw output as it arrives (binary-safe, uncapped). */
  onOutput?: RunOptions["onOutput"];
}

/** Finds the repository around the project root and decides how far Loom may use it. */
export async function openRepo(
  ctx: ToolContext,
  operation: string,
  mutating: boolean,
): Promise<Repo> {
  const root = ctx.guard.root;
  const probe = await runGit(
    ctx,
    ["rev-parse", "--show-toplevel", "--absolute-git-dir"],
    { mutating: false },
  );
  if (probe.code !== 0) throw gitError(operation, probe);
  const [topRaw, gitDir] = probe.stdout.trim().split("\n");
  const top = await Deno.realPath(topRaw).catch(() => topRaw);
  const rel = toPosix(relative(top, root));
  if (rel.startsWith("..") || rel.startsWith("/")) {
    throw new LoomError(
      "GIT",
      `Cannot run "git ${operation}": the repository's work tree "${top}" does not contain the project; check core.worktree in the repository config`,
    );
  }
  const isRoot = rel === "";
  if (mutating && !isRoot) {
    throw new LoomError(
      "DENIED",
      `Cannot run "git ${operation}": the repository's top level "${top}" is above the project root, and Loom only changes a repository it wholly contains; run git yourself`,
    );
  }
  const repo: Repo = {
    top,
    gitDir,
    isRoot,
    prefix: isRoot ? "" : `${rel}/`,
    overrides: [],
    mergeDrivers: [],
  };
  if (ctx.trusted) return repo;
  if (mutating && !ctx.guard.contains(await Deno.realPath(gitDir).catch(() => gitDir))) {
    throw new LoomError(
      "DENIED",
      `Cannot run "git ${operation}": the git directory "${gitDir}" is outside the project; changing it needs a trusted project (loom trust)`,
    );
  }
  await scanRepoConfig(ctx, operation, repo);
  return repo;
}

/**
 * Reads the repository's own config (local and worktree scopes, includes followed) and
 * blanks every filter and diff driver it defines: a cloned or unpacked project must not be
 * able to run commands through `git add`, `git diff` or `git restore`.
 */
async function scanRepoConfig(ctx: ToolContext, operation: string, repo: Repo): Promise<void> {
  const listed = await runGit(ctx, ["config", "--list", "--show-scope", "-z"], {
    mutating: false,
  });
  if (listed.code !== 0) throw gitError(operation, listed);
  const filters = new Set<string>();
  const diffs = new Set<string>();
  const merges = new Set<string>();
  const fields = listed.stdout.split("\0");
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const scope = fields[i];
    if (scope === "system" || scope === "global") continue;
    const key = fields[i + 1].split("\n")[0];
    const driver = /^(filter|diff|merge)\.(.+)\.([^.]+)$/.exec(key);
    if (!driver) continue;
    const [, section, name, field] = driver;
    if (section === "filter") filters.add(name);
    if (section === "diff" && (field === "command" || field === "textconv")) diffs.add(name);
    if (section === "merge" && field === "driver") merges.add(name);
  }
  for (const name of filters) {
    for (const field of ["clean", "smudge", "process"]) {
      repo.overrides.push([`filter.${name}.${field}`, ""]);
    }
    repo.overrides.push([`filter.${name}.required`, "false"]);
  }
  for (const name of diffs) {
    repo.overrides.push([`diff.${name}.command`, ""], [`diff.${name}.textconv`, ""]);
  }
  repo.mergeDrivers = [...merges];
}

/** Runs one git command on the project's repository with every safety setting applied. */
export async function runGit(
  ctx: ToolContext,
  args: string[],
  call: GitCall,
  repo?: Repo,
): Promise<RunResult> {
  const settings = ctx.trusted ? ALWAYS : [...ALWAYS, ...UNTRUSTED];
  const argv = [
    "git",
    "--no-pager",
    "--literal-pathspecs",
    "-C",
    ctx.guard.root,
    ...settings.flatMap((s) => ["-c", s]),
    ...args,
  ];
  const env: Record<string, string> = {
    GIT_TERMINAL_PROMPT: "0",
    GIT_EDITOR: "true",
    GIT_PAGER: "cat",
    PAGER: "cat",
    LC_ALL: "C",
  };
  if (!call.mutating) {
    env.GIT_CONFIG_NOSYSTEM = "1";
    env.GIT_OPTIONAL_LOCKS = "0";
  }
  // Driver names are free text; the environment form takes any key, `-c` splits at "=".
  const overrides = repo?.overrides ?? [];
  if (overrides.length > 0) {
    env.GIT_CONFIG_COUNT = String(overrides.length);
    overrides.forEach(([key, value], i) => {
      env[`GIT_CONFIG_KEY_${i}`] = key;
      env[`GIT_CONFIG_VALUE_${i}`] = value;
    });
  }
  const result = await ctx.runner.run(argv, {
    cwd: ctx.guard.root,
    timeoutMs: TIMEOUT_MS,
    signal: ctx.signal,
    maxOutputBytes: call.maxOutputBytes ?? MAX_OUTPUT_BYTES,
    onOutput: call.onOutput,
    env,
    dropEnvPrefixes: ["GIT_"],
    // The sandbox mounts .git read-only. Writes are safe unsandboxed because every argument
    // is built here, options never come from the model, and hooks, filters, fsmonitor and
    // external programs are switched off above.
    sandbox: !call.mutating,
  });
  const op = args[0];
  if (result.cancelled) {
    throw new LoomError("CANCELLED", `Cannot run "git ${op}": the call was cancelled`);
  }
  if (result.timedOut) {
    throw new LoomError(
      "TIMEOUT",
      `Cannot run "git ${op}": it took longer than ${TIMEOUT_MS / 1000} s and was stopped`,
    );
  }
  return result;
}

/** Like {@link runGit}, but a non-zero exit becomes a LoomError("GIT"). */
export async function runGitOk(
  ctx: ToolContext,
  operation: string,
  args: string[],
  call: GitCall,
  repo: Repo,
): Promise<RunResult> {
  const result = await runGit(ctx, args, call, repo);
  if (result.code !== 0) throw gitError(operation, result);
  return result;
}

const HINTS: [RegExp, string][] = [
  [/not a git repository/i, "run git init in the project first"],
  [
    /nothing (added )?to commit|no changes added to commit/i,
    "stage changes first with operation add",
  ],
  [/please tell me who you are|empty ident/i, "set user.name and user.email with git config"],
  [
    /unknown revision|bad revision|ambiguous argument|invalid object name|not a valid object|bad object|no such ref/i,
    "check the ref with operation log or branch",
  ],
  [
    /did not match any file|no such path|does not exist in/i,
    "check the path with operation status",
  ],
  [/not fully merged/i, "only merged branches can be deleted"],
  [/already exists/i, "choose another name, or switch to the existing branch"],
  [
    /invalid reference|not a valid branch name|not a commit/i,
    "list branches with operation branch",
  ],
  [/would be overwritten|local changes/i, "commit or stash your changes first"],
  [/conflict/i, "resolve the conflicts, then add and commit"],
  [/no stash entries|not a stash|is not a valid reference/i, "list stashes with stash action list"],
  [/does not have any commits yet/i, "make a first commit"],
];

/** A git failure as a LoomError: git's own first lines, then a hint when one fits. */
export function gitError(operation: string, result: RunResult): LoomError {
  const clean = (text: string) =>
    text.split("\n").map((l) => l.replace(/^(fatal|error|hint):\s*/, "").trim())
      .filter((l) => l !== "");
  // Errors go to stderr; `commit` reports "nothing to commit" on stdout, as its last line.
  const stderr = clean(result.stderr);
  const why = stderr.length > 0
    ? stderr.slice(0, 3).join(" / ")
    : (clean(result.stdout).at(-1) ?? `exit code ${result.code}`);
  const text = `${result.stderr}\n${why}`;
  const hint = HINTS.find(([pattern]) => pattern.test(text))?.[1];
  return new LoomError(
    "GIT",
    `Cannot run "git ${operation}": ${why}${hint ? `; ${hint}` : ""}`,
    { details: { exitCode: result.code, stderr: result.stderr } },
  );
}
