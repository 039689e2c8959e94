import { z } from "zod";

const paths = z.array(z.string()).max(200).optional().describe(
  "Project-relative paths to limit the operation to (default: the whole project)",
);
const stat = z.boolean().optional().describe(
  "Only list changed files with added/removed line counts, not the patch",
);

/** The git tool's input: one object per operation, told apart by `operation`. */
export const gitInput = z.discriminatedUnion("operation", [
  z.object({
    operation: z.literal("status").describe("Show the branch and changed files"),
    paths,
  }),
  z.object({
    operation: z.literal("diff").describe("Show changes as a patch or a stat"),
    staged: z.boolean().optional().describe(
      "Compare the index (staged changes) instead of the working tree",
    ),
    ref: z.string().optional().describe(
      "Revision to compare against (default: the index, or HEAD with staged)",
    ),
    base: z.string().optional().describe(
      "With ref: compare base against ref (two revisions) instead of the working tree",
    ),
    paths,
    stat,
  }),
  z.object({
    operation: z.literal("log").describe("List commits: hash, author, date, subject"),
    ref: z.string().optional().describe(
      "Revision or range to list (default HEAD), e.g. main..feature",
    ),
    paths,
    limit: z.number().int().min(1).max(200).default(20).describe("Most commits to list (1-200)"),
  }),
  z.object({
    operation: z.literal("show").describe(
      "Show one commit, or a file at a revision with ref REV:path",
    ),
    ref: z.string().describe("Commit to show, or REV:path for a file's content at that revision"),
    paths,
    stat,
  }),
  z.object({
    operation: z.literal("blame").describe("Show who last changed each line of a file"),
    path: z.string().describe("Project-relative file to blame"),
    ref: z.string().optional().describe("Revision to blame at (default: the working tree)"),
    start_line: z.number().int().min(1).optional().describe("First line (1-based)"),
    end_line: z.number().int().min(1).optional().describe("Last line (inclusive)"),
  }),
  z.object({
    operation: z.literal("add").describe("Stage files for the next commit"),
    paths: z.array(z.string()).max(200).optional().describe("Project-relative paths to stage"),
    all: z.boolean().optional().describe("Stage every change, including deletions and new files"),
  }),
  z.object({
    operation: z.literal("commit").describe("Commit the staged changes"),
    message: z.string().describe("The commit message (required, not empty)"),
    amend: z.boolean().optional().describe("Replace the last commit instead of adding one"),
  }),
  z.object({
    operation: z.literal("branch").describe("List branches, or create or delete one"),
    name: z.string().optional().describe(
      "Branch to create (or to delete with delete: true); omit to list",
    ),
    delete: z.boolean().optional().describe("Delete the named branch (only if fully merged)"),
  }),
  z.object({
    operation: z.literal("switch").describe("Switch to a branch"),
    branch: z.string().describe("Branch to switch to"),
    create: z.boolean().optional().describe("Create the branch from HEAD first"),
  }),
  z.object({
    operation: z.literal("checkout").describe("Same as switch: branches only"),
    branch: z.string().describe("Branch to switch to"),
    create: z.boolean().optional().describe("Create the branch from HEAD first"),
  }),
  z.object({
    operation: z.literal("restore").describe("Discard changes to files (or unstage them)"),
    paths: z.array(z.string()).min(1).max(200).describe("Project-relative paths to restore"),
    staged: z.boolean().optional().describe("Unstage: restore the index, leave the working tree"),
    source: z.string().optional().describe(
      "Revision to take the content from (default: index, or HEAD with staged)",
    ),
  }),
  z.object({
    operation: z.literal("stash").describe("Set changes aside and bring them back"),
    action: z.enum(["push", "pop", "list", "apply", "drop"]).describe("What to do with the stash"),
    message: z.string().optional().describe("Message for push"),
    index: z.number().int().min(0).optional().describe(
      "Stash entry for pop, apply, drop (default 0, the latest)",
    ),
  }),
]);

/** One git call, as the model sends it. */
export type GitInput = z.infer<typeof gitInput>;

/** True for calls that only read the repository. */
export function isReadOnly(input: GitInput): boolean {
  switch (input.operation) {
    case "status":
    case "diff":
    case "log":
    case "show":
    case "blame":
      return true;
    case "branch":
      return input.name === undefined;
    case "stash":
      return input.action === "list";
    default:
      return false;
  }
}
