// The git tool's hardened runner (no hooks, no fsmonitor, no repository-defined filters, GIT_*
// cleared, no network), for callers outside src/tools such as the REPL's /undo checkpoints.
export { gitError, openRepo, runGit } from "./_git_exec.ts";
export type { GitCall, Repo } from "./_git_exec.ts";
export { isReadOnly as isReadOnlyGitInput } from "./_git_schema.ts";
