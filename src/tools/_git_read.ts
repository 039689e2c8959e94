import { LoomError } from "../core/mod.ts";
import type { ToolResult } from "../core/mod.ts";
import type { ToolContext } from "./define.ts";
import { assertReadable, checkRef, readPaths, splitRevPath } from "./_git_args.ts";
import { type Repo, runGitOk } from "./_git_exec.ts";
import {
  FIELD,
  formatBlame,
  formatLog,
  formatNumstat,
  formatStatus,
  LOG_FORMAT,
  type NumstatEntry,
  parseBlame,
  parseLog,
  parseNumstat,
  parseStatus,
  RECORD,
} from "./_git_parse.ts";
import type { GitInput } from "./_git_schema.ts";

type Input<Op extends GitInput["operation"]> = Extract<GitInput, { operation: Op }>;
const READ = { mutating: false };
/** Flags that keep repository-configured programs out of every diff. */
const NO_PROGRAMS = ["--no-ext-diff", "--no-textconv", "--no-color"];

/** Pathspecs for a read: the given ones, or the project folder when the repo is larger. */
function scope(repo: Repo, paths: string[]): string[] {
  return paths.length > 0 ? paths : (repo.isRoot ? [] : ["."]);
}

/** `git status`: branch, staged, unstaged, untracked, conflicted. */
export async function gitStatus(
  ctx: ToolContext,
  repo: Repo,
  input: Input<"status">,
): Promise<ToolResult> {
  const paths = scope(repo, await readPaths(ctx, input.paths));
  const args = ["status", "--porcelain=v2", "--branch", "-z", "--untracked-files=all"];
  if (!ctx.trusted) args.push("--ignore-submodules=all");
  const out = await runGitOk(ctx, "status", [...args, "--", ...paths], READ, repo);
  const summary = parseStatus(out.stdout, repo.prefix);
  return { text: formatStatus(summary), structured: { ...summary } };
}

/**
 * Lists the files a diff touches, hides the ones read rules deny, and (unless `stat`) adds
 * the patch of the rest.
 */
async function diffLike(
  ctx: ToolContext,
  repo: Repo,
  operation: "diff" | "show",
  head: string[],
  revs: string[],
  paths: string[],
  stat: boolean | undefined,
): Promise<{ files: NumstatEntry[]; hidden: string[]; patch?: string; dropped: number }> {
  const relative = repo.isRoot ? [] : ["--relative"];
  const listed = await runGitOk(
    ctx,
    operation,
    [...head, ...NO_PROGRAMS, ...relative, "--numstat", "-z", ...revisions(revs), ...tail(paths)],
    READ,
    repo,
  );
  const all = parseNumstat(listed.stdout);
  const denied = (e: NumstatEntry) =>
    ctx.isReadDenied(e.path) || (e.from !== undefined && ctx.isReadDenied(e.from));
  const files = all.filter((e) => !denied(e));
  const hidden = all.filter(denied).map((e) => e.path);
  if (stat || files.length === 0) return { files, hidden, dropped: 0 };
  const only = hidden.length > 0
    ? files.flatMap((e) => (e.from ? [e.from, e.path] : [e.path]))
    : paths;
  const patch = await runGitOk(
    ctx,
    operation,
    [...head, ...NO_PROGRAMS, ...relative, "--patch", ...revisions(revs), ...tail(only)],
    READ,
    repo,
  );
  return { files, hidden, patch: patch.stdout, dropped: patch.droppedBytes };
}

function tail(paths: string[]): string[] {
  return ["--", ...paths];
}

function revisions(revs: string[]): string[] {
  return revs.length > 0 ? ["--end-of-options", ...revs] : [];
}

function diffText(
  result: { files: NumstatEntry[]; hidden: string[]; patch?: string; dropped: number },
): string {
  const parts = [result.patch?.trimEnd() || formatNumstat(result.files)];
  if (result.dropped > 0) {
    parts.push(`[${result.dropped} bytes of the patch were dropped; narrow it with paths]`);
  }
  if (result.hidden.length > 0) {
    parts.push(`[${result.hidden.length} file(s) hidden by this project's read rules]`);
  }
  return parts.join("\n");
}

/** `git diff`: working tree, index, or two revisions. */
export async function gitDiff(
  ctx: ToolContext,
  repo: Repo,
  input: Input<"diff">,
): Promise<ToolResult> {
  const revs: string[] = [];
  if (input.base !== undefined) {
    if (input.ref === undefined) {
      throw new LoomError(
        "INVALID_INPUT",
        `Cannot use base "${input.base}" without ref; give both revisions`,
      );
    }
    if (input.staged) {
      throw new LoomError(
        "INVALID_INPUT",
        "Cannot use base with staged: two revisions ignore the index; drop one",
      );
    }
    revs.push(checkRef(input.base, "base"));
  }
  if (input.ref !== undefined) revs.push(checkRef(input.ref, "ref"));
  const head = ["diff", ...(input.staged ? ["--cached"] : [])];
  if (!ctx.trusted) head.push("--ignore-submodules=all");
  const paths = scope(repo, await readPaths(ctx, input.paths));
  const result = await diffLike(ctx, repo, "diff", head, revs, paths, input.stat);
  return {
    text: result.patch === undefined && result.files.length === 0 ? "No changes" : diffText(result),
    structured: { files: result.files, hidden: result.hidden, truncated: result.dropped > 0 },
  };
}

/** `git log`: hash, author, date and subject of recent commits. */
export async function gitLog(
  ctx: ToolContext,
  repo: Repo,
  input: Input<"log">,
): Promise<ToolResult> {
  const limit = Math.min(Math.max(input.limit ?? 20, 1), 200);
  const rev = input.ref === undefined ? [] : [checkRef(input.ref, "ref")];
  const paths = scope(repo, await readPaths(ctx, input.paths));
  const out = await runGitOk(
    ctx,
    "log",
    ["log", LOG_FORMAT, `--max-count=${limit}`, "--end-of-options", ...rev, "--", ...paths],
    READ,
    repo,
  );
  const commits = parseLog(out.stdout);
  return { text: commits.length ? formatLog(commits) : "No commits", structured: { commits } };
}

/** `git show`: a commit (metadata, then stat or patch), or a file at a revision. */
export async function gitShow(
  ctx: ToolContext,
  repo: Repo,
  input: Input<"show">,
): Promise<ToolResult> {
  const target = await splitRevPath(ctx, input.ref);
  if (target.path !== undefined) {
    const out = await runGitOk(
      ctx,
      "show",
      ["show", ...NO_PROGRAMS, "--end-of-options", target.spec],
      READ,
      repo,
    );
    return {
      text: out.stdout,
      structured: { ref: target.rev, path: target.path, truncated: out.droppedBytes > 0 },
    };
  }
  const meta = await runGitOk(
    ctx,
    "show",
    [
      "show",
      "--no-patch",
      LOG_FORMAT.replace("%s%x1e", "%s%x1f%b%x1e"),
      "--end-of-options",
      target.rev,
    ],
    READ,
    repo,
  );
  const [commit] = parseLog(meta.stdout);
  const body = meta.stdout.split(FIELD)[5]?.split(RECORD)[0].trim() ?? "";
  const head = ["show", "--format="];
  const paths = scope(repo, await readPaths(ctx, input.paths));
  const result = await diffLike(ctx, repo, "show", head, [target.rev], paths, input.stat);
  const header = commit
    ? `commit ${commit.hash}\nAuthor: ${commit.author} <${commit.email}>\nDate: ${commit.date}\n\n${commit.subject}${
      body ? `\n\n${body}` : ""
    }\n\n`
    : "";
  return {
    text: header + diffText(result),
    structured: {
      commit: commit ? { ...commit, body } : null,
      files: result.files,
      hidden: result.hidden,
    },
  };
}

/** `git blame`: who last changed each line. */
export async function gitBlame(
  ctx: ToolContext,
  repo: Repo,
  input: Input<"blame">,
): Promise<ToolResult> {
  const [path] = await readPaths(ctx, [input.path]);
  assertReadable(ctx, path);
  const rev = input.ref === undefined ? [] : [checkRef(input.ref, "ref")];
  const { start_line: start, end_line: end } = input;
  if (start !== undefined && end !== undefined && end < start) {
    throw new LoomError(
      "INVALID_INPUT",
      `Cannot blame "${path}": end_line ${end} is before start_line ${start}`,
    );
  }
  const range = start === undefined && end === undefined ? [] : [`-L${start ?? 1},${end ?? ""}`];
  // blame has no --end-of-options; the revision cannot start with "-" (checkRef).
  const out = await runGitOk(
    ctx,
    "blame",
    ["blame", "--porcelain", "--no-textconv", ...range, ...rev, "--", path],
    READ,
    repo,
  );
  const lines = parseBlame(out.stdout);
  return { text: formatBlame(lines) || "(empty file)", structured: { path, lines } };
}
