import { LoomError } from "../core/mod.ts";
import type { ToolResult } from "../core/mod.ts";
import type { ToolContext } from "./define.ts";
import { checkBranch, checkMessage, checkRef, writePaths } from "./_git_args.ts";
import { type Repo, runGitOk } from "./_git_exec.ts";
import { FIELD, formatStatus, LOG_FORMAT, parseLog, parseStatus } from "./_git_parse.ts";
import type { GitInput } from "./_git_schema.ts";

type Input<Op extends GitInput["operation"]> = Extract<GitInput, { operation: Op }>;
const WRITE = { mutating: true };
const READ = { mutating: false };

async function statusAfter(ctx: ToolContext, repo: Repo) {
  const out = await runGitOk(
    ctx,
    "status",
    ["status", "--porcelain=v2", "--branch", "-z", "--untracked-files=all"],
    READ,
    repo,
  );
  return parseStatus(out.stdout, repo.prefix);
}

/** `git add`: stage the given paths, or everything with `all`. */
export async function gitAdd(
  ctx: ToolContext,
  repo: Repo,
  input: Input<"add">,
): Promise<ToolResult> {
  const paths = await writePaths(ctx, input.paths);
  if (!input.all && paths.length === 0) {
    throw new LoomError("INVALID_INPUT", "Cannot stage nothing: give paths, or set all: true");
  }
  const args = input.all ? ["add", "--all", "--", ...paths] : ["add", "--", ...paths];
  await runGitOk(ctx, "add", args, WRITE, repo);
  const status = await statusAfter(ctx, repo);
  return {
    text: `Staged. ${formatStatus(status)}`,
    structured: { staged: status.staged, unstaged: status.unstaged, untracked: status.untracked },
  };
}

/** `git commit` of what is staged; hooks run only in trusted projects. */
export async function gitCommit(
  ctx: ToolContext,
  repo: Repo,
  input: Input<"commit">,
): Promise<ToolResult> {
  const message = checkMessage(input.message, "message");
  // `--message=` keeps a message that starts with "-" a value, never an option.
  const args = ["commit", `--message=${message}`, ...(input.amend ? ["--amend"] : [])];
  const out = await runGitOk(ctx, "commit", args, WRITE, repo);
  const last = await runGitOk(ctx, "commit", ["log", LOG_FORMAT, "--max-count=1"], READ, repo);
  const [commit] = parseLog(last.stdout);
  return { text: out.stdout.trim(), structured: { commit, amended: input.amend === true } };
}

/** `git branch`: list, create (from HEAD) or delete a merged branch. */
export async function gitBranch(
  ctx: ToolContext,
  repo: Repo,
  input: Input<"branch">,
): Promise<ToolResult> {
  if (input.name === undefined) {
    if (input.delete) {
      throw new LoomError("INVALID_INPUT", "Cannot delete a branch without its name; give name");
    }
    return listBranches(ctx, repo);
  }
  const name = checkBranch(input.name, "name");
  if (input.delete) {
    // -d (never -D): git refuses to delete a branch whose commits would be lost.
    await runGitOk(ctx, "branch", ["branch", "-d", "--end-of-options", name], WRITE, repo);
    return { text: `Deleted branch ${name}`, structured: { deleted: name } };
  }
  await runGitOk(ctx, "branch", ["branch", "--end-of-options", name], WRITE, repo);
  return { text: `Created branch ${name} at HEAD`, structured: { created: name } };
}

async function listBranches(ctx: ToolContext, repo: Repo): Promise<ToolResult> {
  const format = "--format=%(HEAD)%1f%(refname:short)%1f%(objectname:short)%1f" +
    "%(upstream:short)%1f%(contents:subject)";
  const out = await runGitOk(ctx, "branch", ["branch", "--list", format], READ, repo);
  const branches = out.stdout.split("\n").filter((l) => l !== "").map((line) => {
    const [head, name, commit, upstream, subject] = line.split(FIELD);
    return { name, current: head === "*", commit, upstream: upstream || null, subject };
  });
  const text = branches.map((b) =>
    `${b.current ? "*" : " "} ${b.name} ${b.commit}${
      b.upstream ? ` [${b.upstream}]` : ""
    } ${b.subject}`
  ).join("\n");
  return { text: text || "No branches yet", structured: { branches } };
}

/** `git switch` (and `checkout` of a branch): move HEAD to a branch, optionally new. */
export async function gitSwitch(
  ctx: ToolContext,
  repo: Repo,
  input: Input<"switch"> | Input<"checkout">,
): Promise<ToolResult> {
  const branch = checkBranch(input.branch, "branch");
  const args = input.create
    ? ["switch", `--create=${branch}`]
    : ["switch", "--end-of-options", branch];
  const out = await runGitOk(ctx, input.operation, args, WRITE, repo);
  const status = await statusAfter(ctx, repo);
  return {
    text: `${(out.stderr || out.stdout).trim()}\n${formatStatus(status)}`,
    structured: { branch: status.branch, created: input.create === true },
  };
}

/** `git restore`: discard working-tree changes, or unstage with `staged`. */
export async function gitRestore(
  ctx: ToolContext,
  repo: Repo,
  input: Input<"restore">,
): Promise<ToolResult> {
  const paths = await writePaths(ctx, input.paths);
  if (paths.length === 0) {
    throw new LoomError("INVALID_INPUT", "Cannot restore nothing: give paths");
  }
  const args = ["restore"];
  if (input.staged) args.push("--staged");
  if (input.source !== undefined) args.push(`--source=${checkRef(input.source, "source")}`);
  await runGitOk(ctx, "restore", [...args, "--", ...paths], WRITE, repo);
  const status = await statusAfter(ctx, repo);
  return {
    text: `Restored ${paths.join(", ")}${input.staged ? " in the index" : ""}\n${
      formatStatus(status)
    }`,
    structured: { paths, staged: input.staged === true },
  };
}

/** `git stash`: push, pop, apply, drop or list. */
export async function gitStash(
  ctx: ToolContext,
  repo: Repo,
  input: Input<"stash">,
): Promise<ToolResult> {
  const entry = `stash@{${input.index ?? 0}}`;
  switch (input.action) {
    case "list": {
      const out = await runGitOk(ctx, "stash", ["stash", "list", "--format=%gd%x1f%s"], READ, repo);
      const stashes = out.stdout.split("\n").filter((l) => l !== "").map((line) => {
        const [ref, message] = line.split(FIELD);
        return { ref, message };
      });
      const text = stashes.map((s) => `${s.ref}: ${s.message}`).join("\n");
      return { text: text || "No stashes", structured: { stashes } };
    }
    case "push": {
      const message = input.message === undefined ? [] : [
        `--message=${checkMessage(input.message, "message")}`,
      ];
      const out = await runGitOk(ctx, "stash", ["stash", "push", ...message], WRITE, repo);
      return { text: out.stdout.trim(), structured: { action: "push" } };
    }
    case "pop":
    case "apply": {
      if (repo.mergeDrivers.length > 0) {
        throw new LoomError(
          "DENIED",
          `Cannot run "git stash ${input.action}": the repository config defines merge drivers (${
            repo.mergeDrivers.join(", ")
          }) that would run commands; trust the project with loom trust first`,
        );
      }
      const out = await runGitOk(ctx, "stash", ["stash", input.action, entry], WRITE, repo);
      return { text: out.stdout.trim(), structured: { action: input.action, ref: entry } };
    }
    case "drop": {
      const out = await runGitOk(ctx, "stash", ["stash", "drop", entry], WRITE, repo);
      return { text: out.stdout.trim(), structured: { action: "drop", ref: entry } };
    }
  }
}
