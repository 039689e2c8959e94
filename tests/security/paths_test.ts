import assert from "node:assert/strict";
import { join } from "node:path";
import { isLoomError } from "../../src/core/mod.ts";
import type { ErrorCode } from "../../src/core/mod.ts";
import type { ToolContext } from "../../src/tools/define.ts";
import { fileEdit } from "../../src/tools/file_edit.ts";
import { fileRead } from "../../src/tools/file_read.ts";
import { fileWrite } from "../../src/tools/file_write.ts";
import { createTempProject } from "../_lib/project.ts";
import type { TempProject } from "../_lib/project.ts";
import { createTestContext } from "../_lib/context.ts";

const SECRET = "TOP-SECRET-OUTSIDE";

interface Fixture extends AsyncDisposable {
  project: TempProject;
  /** A sibling of the root sharing its prefix: `<root>-evil`. */
  evil: string;
  ctx: ToolContext;
}

async function fixture(): Promise<Fixture> {
  const project = await createTempProject({
    "a.txt": "a\n",
    "LOOM.md": "rules\n",
    ".loom.toml": "[model]\n",
    "sub/.git/x": "x\n",
  }, { git: true });
  const evil = `${project.root}-evil`;
  await Deno.mkdir(join(evil, "dir"), { recursive: true });
  await Deno.writeTextFile(join(evil, "secret.txt"), `${SECRET}\n`);
  await Deno.writeTextFile(join(evil, "dir", "inner.txt"), `${SECRET} inner\n`);
  const links: [string, string][] = [
    ["out_file", join(evil, "secret.txt")],
    ["out_dir", join(evil, "dir")],
    ["dangling_out", join(evil, "created-by-attack.txt")],
    ["dangling_out_dir", join(evil, "newdir")],
    ["chain1", "chain2"],
    ["chain2", "out_file"],
    ["via_evil", evil],
    ["dangling_via", "via_evil/newsub"],
    ["git_link", ".git"],
    ["hooks_link", ".git/hooks"],
    ["loom_link", "LOOM.md"],
  ];
  for (const [name, target] of links) await Deno.symlink(target, project.path(name));
  const ctx = await createTestContext(project.root);
  return {
    project,
    evil,
    ctx,
    async [Symbol.asyncDispose]() {
      await project[Symbol.asyncDispose]();
      await Deno.remove(evil, { recursive: true }).catch(() => {});
    },
  };
}

/** Every entry under `dir` with its kind and content, to compare before and after. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  async function walk(current: string, rel: string): Promise<void> {
    for await (const entry of Deno.readDir(current)) {
      const abs = join(current, entry.name);
      const key = rel === "" ? entry.name : `${rel}/${entry.name}`;
      const info = await Deno.lstat(abs);
      if (info.isSymlink) out[key] = `link:${await Deno.readLink(abs)}`;
      else if (info.isDirectory) {
        out[key] = `dir:${info.mode! & 0o7777}`;
        await walk(abs, key);
      } else out[key] = `file:${info.mode! & 0o7777}:${await Deno.readTextFile(abs)}`;
    }
  }
  await walk(dir, "");
  return out;
}

/** Tries read, write and edit (permission and run) on `path`; each must fail with a LoomError. */
async function attack(ctx: ToolContext, path: string, expected?: ErrorCode): Promise<void> {
  const edit = { path, edits: [{ old_string: "a", new_string: "b" }] };
  const write = { path, content: "pwned\n" };
  const calls: [string, () => unknown][] = [
    ["file_write.permission", () => fileWrite.permission(write, ctx)],
    ["file_write.run", () => fileWrite.run(write, ctx)],
    ["file_edit.permission", () => fileEdit.permission(edit, ctx)],
    ["file_edit.run", () => fileEdit.run(edit, ctx)],
  ];
  for (const [name, call] of calls) {
    const err = await Promise.resolve().then(call).then(() => undefined, (e) => e);
    assert.ok(isLoomError(err), `${name} ${JSON.stringify(path)} must be refused, got ${err}`);
    if (expected !== undefined) assert.equal(err.code, expected, `${name} ${path}: ${err.message}`);
    assert.ok(!err.message.includes(SECRET), `${name} leaked outside content`);
  }
}

const ESCAPES = [
  "../evil.txt",
  "./../evil.txt",
  "foo/../../evil.txt",
  "src/../../x",
  "/etc/passwd",
  "/tmp/loom-escape-test.txt",
  "out_file",
  "out_dir/inner.txt",
  "out_dir/new.txt",
  "dangling_out",
  "dangling_out_dir/new.txt",
  "dangling_via/new.txt",
  "chain1",
  "via_evil/secret.txt",
  "a.txt\0../../evil.txt",
];

Deno.test("file tools refuse every escape and leave the outside untouched and unread", async () => {
  await using fx = await fixture();
  const { project, evil, ctx } = fx;
  const before = await snapshot(evil);
  for (const path of [...ESCAPES, join(evil, "secret.txt"), join(evil, "new.txt")]) {
    await attack(ctx, path);
    const reads: (() => unknown)[] = [
      () => fileRead.permission({ path }, ctx),
      () => fileRead.run({ path }, ctx),
    ];
    for (const call of reads) {
      const err = await Promise.resolve().then(call).then(() => undefined, (e) => e);
      assert.ok(isLoomError(err, "OUTSIDE_PROJECT"), `read ${JSON.stringify(path)}: ${err}`);
      assert.ok(!err.message.includes(SECRET), "the error leaked outside content");
    }
  }
  assert.deepEqual(await snapshot(evil), before);
  for (const abs of [join(evil, "secret.txt"), join(evil, "dir", "inner.txt")]) {
    assert.equal(ctx.ledger.get(abs), undefined, `${abs} was recorded as read`);
  }
  await assert.rejects(Deno.lstat("/tmp/loom-escape-test.txt"), Deno.errors.NotFound);
  for (const name of ["evil.txt", "x"]) {
    await assert.rejects(Deno.lstat(join(project.root, "..", name)), Deno.errors.NotFound);
  }
});

Deno.test("a backslash path and a ~ path are literal names inside the project", async () => {
  await using fx = await fixture();
  const { project, evil, ctx } = fx;
  const before = await snapshot(evil);
  await fileWrite.run({ path: "..\\evil.txt", content: "x\n" }, ctx);
  await fileWrite.run({ path: "~/notes.txt", content: "y\n" }, ctx);
  assert.equal(await Deno.readTextFile(join(project.root, "..\\evil.txt")), "x\n");
  assert.equal(await project.read("~/notes.txt"), "y\n");
  assert.deepEqual(await snapshot(evil), before);
  await assert.rejects(Deno.lstat(join(project.root, "..", "evil.txt")), Deno.errors.NotFound);
});

Deno.test("writes to protected paths are refused and .git, .loom and the rule files stay as they were", async () => {
  await using fx = await fixture();
  const { project, ctx } = fx;
  // Reading is allowed, so the ledger is not what stops the writes below.
  for (const path of [".git/config", "LOOM.md", ".loom.toml", "sub/.git/x"]) {
    await fileRead.run({ path }, ctx);
  }
  const before = await snapshot(project.root);
  const protectedPaths = [
    ".git/config",
    ".git/hooks/pre-commit",
    ".git/new-file",
    ".loom/x",
    ".loom/loom.db",
    "LOOM.md",
    "loom.md",
    ".loom.toml",
    "sub/.git/x",
    "sub/.git/hooks/post-checkout",
    ".GIT/config",
    ".Git/hooks/pre-commit",
    "git_link/config",
    "git_link/hooks/pre-commit",
    "hooks_link/pre-commit",
    "loom_link",
    "src/../.git/config",
    join(project.root, ".git", "config"),
  ];
  for (const path of protectedPaths) await attack(ctx, path, "PROTECTED_PATH");
  assert.deepEqual(await snapshot(project.root), before);
  await assert.rejects(Deno.lstat(project.path(".loom")), Deno.errors.NotFound);
  await assert.rejects(Deno.lstat(project.path(".git/hooks/pre-commit")), Deno.errors.NotFound);
});

Deno.test("a symlink inside the project that points inside can be read and written through", async () => {
  await using fx = await fixture();
  const { project, ctx } = fx;
  await Deno.symlink("a.txt", project.path("alias.txt"));
  await Deno.symlink("alias.txt", project.path("alias2.txt"));
  assert.match((await fileRead.run({ path: "alias2.txt" }, ctx)).text, /1\ta$/);
  await fileEdit.run({ path: "alias2.txt", edits: [{ old_string: "a", new_string: "b" }] }, ctx);
  assert.equal(await project.read("a.txt"), "b\n");
  assert.equal(await Deno.readLink(project.path("alias.txt")), "a.txt");
});

Deno.test("a dangling symlink that points inside the project is written at its target", async () => {
  await using fx = await fixture();
  const { project, ctx } = fx;
  await Deno.symlink("made/here.txt", project.path("pending"));
  const result = await fileWrite.run({ path: "pending", content: "ok\n" }, ctx);
  assert.equal(result.text, 'Created "made/here.txt" (3 bytes, 1 line)');
  assert.equal(await project.read("made/here.txt"), "ok\n");
  assert.ok((await Deno.lstat(project.path("pending"))).isSymlink);
});
