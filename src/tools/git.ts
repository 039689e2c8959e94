import type { PermissionRequest, ToolResult } from "../core/mod.ts";
import { defineTool, type ToolContext } from "./define.ts";
import { readPaths, splitRevPath, writePaths } from "./_git_args.ts";
import { openRepo } from "./_git_exec.ts";
import { gitBlame, gitDiff, gitLog, gitShow, gitStatus } from "./_git_read.ts";
import { type GitInput, gitInput, isReadOnly } from "./_git_schema.ts";
import { gitAdd, gitBranch, gitCommit, gitRestore, gitStash, gitSwitch } from "./_git_write.ts";
import DESCRIPTION from "./git.md" with { type: "text" };

/** Structured git on the project's own repository: no option passthrough, no network. */
export const git = defineTool({
  name: "git",
  description: DESCRIPTION,
  input: gitInput,
  annotations: {
    title: "Git",
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: false,
    openWorldHint: false,
  },
  async permission(input, ctx): Promise<PermissionRequest> {
    return {
      kind: "git",
      tool: "git",
      operation: input.operation,
      mutating: !isReadOnly(input),
      paths: await pathsOf(input, ctx),
    };
  },
  async run(input, ctx): Promise<ToolResult> {
    const repo = await openRepo(ctx, input.operation, !isReadOnly(input));
    switch (input.operation) {
      case "status":
        return gitStatus(ctx, repo, input);
      case "diff":
        return gitDiff(ctx, repo, input);
      case "log":
        return gitLog(ctx, repo, input);
      case "show":
        return gitShow(ctx, repo, input);
      case "blame":
        return gitBlame(ctx, repo, input);
      case "add":
        return gitAdd(ctx, repo, input);
      case "commit":
        return gitCommit(ctx, repo, input);
      case "branch":
        return gitBranch(ctx, repo, input);
      case "switch":
      case "checkout":
        return gitSwitch(ctx, repo, input);
      case "restore":
        return gitRestore(ctx, repo, input);
      case "stash":
        return gitStash(ctx, repo, input);
    }
  },
});

/** The project-relative paths a call touches, through the guard (reads or writes). */
async function pathsOf(input: GitInput, ctx: ToolContext): Promise<string[]> {
  switch (input.operation) {
    case "status":
    case "diff":
    case "log":
      return await readPaths(ctx, input.paths);
    case "show": {
      const target = await splitRevPath(ctx, input.ref);
      return [...(target.path ? [target.path] : []), ...await readPaths(ctx, input.paths)];
    }
    case "blame":
      return await readPaths(ctx, [input.path]);
    case "add":
      return input.all ? ["."] : await writePaths(ctx, input.paths);
    case "restore":
      return await writePaths(ctx, input.paths);
    default:
      return [];
  }
}
