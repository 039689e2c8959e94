import assert from "node:assert/strict";
import { isLoomError } from "../core/mod.ts";
import type { PermissionRequest, ProcessRunner } from "../core/mod.ts";
import { createBwrapWrapper, createProcessRunner } from "../sandbox/mod.ts";
import type { ToolContext } from "./define.ts";
import { git } from "./git.ts";
import { createTempProject } from "../../tests/_lib/project.ts";
import { createTestContext } from "../../tests/_lib/context.ts";

function call(ctx: ToolContext, raw: Record<string, unknown>) {
  return git.run(git.input.parse(raw), ctx);
}

async function rejects(promise: Promise<unknown>, code: string, pattern?: RegExp) {
  await assert.rejects(promise, (err) => {
    assert.ok(isLoomError(err), `expected a LoomError, got ${err}`);
    assert.equal(err.code, code, err.message);
    if (pattern) assert.match(err.message, pattern);
    return true;
  });
}

const FILES = { "a.txt": "one\ntwo\nthree\n", "src/b.ts": "export const b = 1;\n" };

Deno.test("git status reports the branch and staged, unstaged and untracked files", async () => {
  await using project = await createTempProject(FILES, { git: true });
  await project.write("a.txt", "one\n2\nthree\n");
  await project.write("src/b.ts", "export const b = 2;\n");
  await project.git("add", "src/b.ts");
  await project.write("new.txt", "n\n");
  const ctx = await createTestContext(project.root);
  const result = await call(ctx, { operation: "status" });
  assert.equal(result.structured?.branch, "main");
  assert.deepEqual(result.structured?.staged, [{ path: "src/b.ts", code: "M" }]);
  assert.deepEqual(result.structured?.unstaged, [{ path: "a.txt", code: "M" }]);
  assert.deepEqual(result.structured?.untracked, ["new.txt"]);
  assert.match(result.text, /On branch main[\s\S]*Staged \(1\):\n {2}M src\/b\.ts/);
});

Deno.test("git diff shows the unstaged patch, the staged one, a stat and two revisions", async () => {
  await using project = await createTempProject(FILES, { git: true });
  await project.write("a.txt", "one\n2\nthree\n");
  const ctx = await createTestContext(project.root);
  const unstaged = await call(ctx, { operation: "diff" });
  assert.match(unstaged.text, /-two\n\+2/);
  assert.deepEqual(unstaged.structured?.files, [{ path: "a.txt", additions: 1, deletions: 1 }]);
  assert.equal((await call(ctx, { operation: "diff", staged: true })).text, "No changes");

  await project.git("add", "a.txt");
  assert.match((await call(ctx, { operation: "diff", staged: true })).text, /\+2/);
  await project.git("commit", "-q", "-m", "second");
  const stat = await call(ctx, { operation: "diff", base: "HEAD~1", ref: "HEAD", stat: true });
  assert.equal(stat.text, "+1 -1\ta.txt\n1 file(s) changed, +1 -1");
  assert.doesNotMatch(stat.text, /diff --git/);
});

Deno.test("git log lists commits newest first and honours limit and paths", async () => {
  await using project = await createTempProject(FILES, { git: true });
  await project.write("a.txt", "changed\n");
  await project.git("commit", "-q", "-am", "touch a");
  await project.write("src/b.ts", "changed\n");
  await project.git("commit", "-q", "-am", "touch b");
  const ctx = await createTestContext(project.root);
  const all = await call(ctx, { operation: "log" });
  const commits = all.structured?.commits as { subject: string; hash: string; author: string }[];
  assert.deepEqual(commits.map((c) => c.subject), ["touch b", "touch a", "initial"]);
  assert.equal(commits[0].author, "Loom Test");
  assert.match(commits[0].hash, /^[0-9a-f]{40}$/);
  assert.match(all.text, /^[0-9a-f]{12} \d{4}-\d\d-\d\d Loom Test: touch b$/m);
  const limited = await call(ctx, { operation: "log", limit: 1 });
  assert.equal((limited.structured?.commits as unknown[]).length, 1);
  const onlyA = await call(ctx, { operation: "log", paths: ["a.txt"] });
  assert.deepEqual(
    (onlyA.structured?.commits as { subject: string }[]).map((c) => c.subject),
    ["touch a", "initial"],
  );
});

Deno.test("git show gives a commit's metadata and patch, and a file at a revision", async () => {
  await using project = await createTempProject(FILES, { git: true });
  await project.write("a.txt", "one\n2\nthree\n");
  await project.git("commit", "-q", "-am", "subject line\n\nbody text");
  const ctx = await createTestContext(project.root);
  const commit = await call(ctx, { operation: "show", ref: "HEAD" });
  const meta = commit.structured?.commit as { subject: string; body: string };
  assert.equal(meta.subject, "subject line");
  assert.equal(meta.body, "body text");
  assert.match(commit.text, /subject line\n\nbody text\n\ndiff --git a\/a\.txt/);
  const old = await call(ctx, { operation: "show", ref: "HEAD~1:a.txt" });
  assert.equal(old.text, "one\ntwo\nthree\n");
});

Deno.test("git blame names the commit and author of each line in a range", async () => {
  await using project = await createTempProject(FILES, { git: true });
  await project.write("a.txt", "one\n2\nthree\n");
  await project.git("commit", "-q", "-am", "second");
  const head = (await project.git("rev-parse", "HEAD")).trim();
  const ctx = await createTestContext(project.root);
  const result = await call(ctx, { operation: "blame", path: "a.txt", start_line: 2, end_line: 3 });
  const lines = result.structured?.lines as { line: number; hash: string; text: string }[];
  assert.deepEqual(lines.map((l) => [l.line, l.text]), [[2, "2"], [3, "three"]]);
  assert.equal(lines[0].hash, head);
  assert.notEqual(lines[1].hash, head);
});

Deno.test("git add and commit record a commit with the message as given", async () => {
  await using project = await createTempProject(FILES, { git: true });
  await project.write("a.txt", "new\n");
  const ctx = await createTestContext(project.root);
  const added = await call(ctx, { operation: "add", paths: ["a.txt"] });
  assert.deepEqual(added.structured?.staged, [{ path: "a.txt", code: "M" }]);
  const result = await call(ctx, { operation: "commit", message: "Change a" });
  assert.equal((result.structured?.commit as { subject: string }).subject, "Change a");
  assert.equal((await project.git("log", "-1", "--format=%s")).trim(), "Change a");
  assert.equal(await project.git("status", "--porcelain"), "");
});

Deno.test("git commit refuses an empty message and makes no commit", async () => {
  await using project = await createTempProject(FILES, { git: true });
  await project.write("a.txt", "new\n");
  await project.git("add", "a.txt");
  const ctx = await createTestContext(project.root);
  await rejects(call(ctx, { operation: "commit", message: "  \n" }), "INVALID_INPUT");
  assert.equal((await project.git("rev-list", "--count", "HEAD")).trim(), "1");
});

Deno.test("git commit with nothing staged fails with git's reason and a hint", async () => {
  await using project = await createTempProject(FILES, { git: true });
  const ctx = await createTestContext(project.root);
  await rejects(
    call(ctx, { operation: "commit", message: "nothing" }),
    "GIT",
    /^Cannot run "git commit": nothing to commit.*; stage changes first with operation add$/,
  );
});

Deno.test("git branch creates, lists and deletes only merged branches", async () => {
  await using project = await createTempProject(FILES, { git: true });
  const ctx = await createTestContext(project.root);
  await call(ctx, { operation: "branch", name: "feature" });
  const listed = await call(ctx, { operation: "branch" });
  const branches = listed.structured?.branches as { name: string; current: boolean }[];
  assert.deepEqual(branches.map((b) => [b.name, b.current]), [["feature", false], ["main", true]]);

  await project.git("switch", "-q", "feature");
  await project.write("a.txt", "feature work\n");
  await project.git("commit", "-q", "-am", "feature work");
  await project.git("switch", "-q", "main");
  await rejects(call(ctx, { operation: "branch", name: "feature", delete: true }), "GIT", /merged/);
  assert.match(await project.git("branch", "--list", "feature"), /feature/);
  await call(ctx, { operation: "branch", name: "merged" });
  await call(ctx, { operation: "branch", name: "merged", delete: true });
  assert.equal(await project.git("branch", "--list", "merged"), "");
});

Deno.test("git switch and checkout move HEAD to a branch, creating it when asked", async () => {
  await using project = await createTempProject(FILES, { git: true });
  const ctx = await createTestContext(project.root);
  const created = await call(ctx, { operation: "switch", branch: "topic", create: true });
  assert.equal(created.structured?.branch, "topic");
  assert.equal((await project.git("branch", "--show-current")).trim(), "topic");
  await call(ctx, { operation: "checkout", branch: "main" });
  assert.equal((await project.git("branch", "--show-current")).trim(), "main");
  await rejects(call(ctx, { operation: "switch", branch: "HEAD~0" }), "GIT");
  assert.equal((await project.git("branch", "--show-current")).trim(), "main");
});

Deno.test("git restore discards working-tree changes on disk and unstages with staged", async () => {
  await using project = await createTempProject(FILES, { git: true });
  const ctx = await createTestContext(project.root);
  await project.write("a.txt", "scratch\n");
  await call(ctx, { operation: "restore", paths: ["a.txt"] });
  assert.equal(await project.read("a.txt"), FILES["a.txt"]);

  await project.write("a.txt", "keep\n");
  await project.git("add", "a.txt");
  await call(ctx, { operation: "restore", paths: ["a.txt"], staged: true });
  assert.equal(await project.git("diff", "--cached", "--name-only"), "");
  assert.equal(await project.read("a.txt"), "keep\n");
});

Deno.test("git stash pushes, lists and pops changes", async () => {
  await using project = await createTempProject(FILES, { git: true });
  const ctx = await createTestContext(project.root);
  await project.write("a.txt", "wip\n");
  await call(ctx, { operation: "stash", action: "push", message: "half done" });
  assert.equal(await project.read("a.txt"), FILES["a.txt"]);
  const listed = await call(ctx, { operation: "stash", action: "list" });
  const stashes = listed.structured?.stashes as { ref: string; message: string }[];
  assert.equal(stashes[0].ref, "stash@{0}");
  assert.match(stashes[0].message, /half done/);
  await call(ctx, { operation: "stash", action: "pop" });
  assert.equal(await project.read("a.txt"), "wip\n");
  assert.equal(await project.git("stash", "list"), "");
});

Deno.test("git permission names the operation, whether it mutates, and guarded paths", async () => {
  await using project = await createTempProject(FILES, { git: true });
  const ctx = await createTestContext(project.root);
  const perm = async (raw: Record<string, unknown>) => {
    const request = await git.permission(git.input.parse(raw), ctx);
    assert.equal(request.kind, "git");
    return request as Extract<PermissionRequest, { kind: "git" }>;
  };
  assert.deepEqual(await perm({ operation: "diff", paths: ["./src/../a.txt"] }), {
    kind: "git",
    tool: "git",
    operation: "diff",
    mutating: false,
    paths: ["a.txt"],
  });
  assert.equal((await perm({ operation: "branch" })).mutating, false);
  assert.equal((await perm({ operation: "branch", name: "x" })).mutating, true);
  assert.equal((await perm({ operation: "stash", action: "list" })).mutating, false);
  assert.deepEqual((await perm({ operation: "add", paths: ["src/b.ts"] })).paths, ["src/b.ts"]);
  await rejects(perm({ operation: "restore", paths: ["../elsewhere"] }), "OUTSIDE_PROJECT");
  await rejects(perm({ operation: "add", paths: [".git/config"] }), "PROTECTED_PATH");
});

Deno.test("git hides files denied by read rules from diffs and refuses to show them", async () => {
  await using project = await createTempProject({ ...FILES, ".env": "KEY=1\n" }, { git: true });
  await project.write(".env", "KEY=2\n");
  await project.write("a.txt", "changed\n");
  const ctx = await createTestContext(project.root, { isReadDenied: (rel) => rel === ".env" });
  const diff = await call(ctx, { operation: "diff" });
  assert.doesNotMatch(diff.text, /KEY=/);
  assert.match(diff.text, /\+changed/);
  assert.deepEqual(diff.structured?.hidden, [".env"]);
  await rejects(call(ctx, { operation: "show", ref: "HEAD:.env" }), "DENIED");
  await rejects(call(ctx, { operation: "blame", path: ".env" }), "DENIED");
});

Deno.test("git fails with a hint when the project is not a repository", async () => {
  await using project = await createTempProject(FILES);
  const ctx = await createTestContext(project.root);
  await rejects(call(ctx, { operation: "status" }), "GIT", /not a git repository/);
});

Deno.test("git stops when the call is cancelled", async () => {
  await using project = await createTempProject(FILES, { git: true });
  const controller = new AbortController();
  controller.abort();
  const ctx = await createTestContext(project.root, { signal: controller.signal });
  await rejects(call(ctx, { operation: "status" }), "CANCELLED");
});

const BWRAP = "/usr/bin/bwrap";

/** The git subcommand in a full argv: the first word after the global options. */
function subcommand(argv: string[]): string {
  let i = 1;
  while (i < argv.length && argv[i].startsWith("-")) {
    i += argv[i] === "-C" || argv[i] === "-c" ? 2 : 1;
  }
  return argv[i] ?? "";
}
const hasBwrap = await Deno.stat(BWRAP).then(() => true, () => false);

Deno.test({
  name: "git reads run inside the bwrap sandbox and writes run outside it, and both work",
  ignore: !hasBwrap,
  async fn() {
    await using project = await createTempProject(FILES, { git: true });
    const real = createProcessRunner({
      env: Deno.env.toObject(),
      wrapper: createBwrapWrapper({ root: project.root, network: false, bwrapPath: BWRAP }),
    });
    const seen: { sub: string; sandboxed: boolean }[] = [];
    const runner: ProcessRunner = {
      sandboxMode: real.sandboxMode,
      async run(argv, options) {
        const result = await real.run(argv, options);
        seen.push({ sub: subcommand(argv), sandboxed: result.sandboxed });
        return result;
      },
    };
    const ctx = await createTestContext(project.root, { runner });
    await project.write("a.txt", "changed\n");
    assert.match((await call(ctx, { operation: "diff" })).text, /\+changed/);
    await call(ctx, { operation: "add", paths: ["a.txt"] });
    await call(ctx, { operation: "commit", message: "from the sandboxed host" });
    assert.equal((await project.git("log", "-1", "--format=%s")).trim(), "from the sandboxed host");
    const sandboxedBy = (sub: string) => seen.filter((s) => s.sub === sub).map((s) => s.sandboxed);
    assert.deepEqual(sandboxedBy("diff"), [true, true]);
    assert.deepEqual(sandboxedBy("add"), [false]);
    assert.deepEqual(sandboxedBy("commit"), [false]);
  },
});
