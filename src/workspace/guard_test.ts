import assert from "node:assert/strict";
import { isLoomError } from "../core/mod.ts";
import type { ErrorCode } from "../core/mod.ts";
import { createTempProject } from "../../tests/_lib/project.ts";
import type { TempProject } from "../../tests/_lib/project.ts";
import { createPathGuard, isProtected } from "./guard.ts";

/** A project with a sibling directory `<root>-evil` that shares its prefix, and many symlinks. */
async function escapeFixture(): Promise<{ project: TempProject; evil: string } & AsyncDisposable> {
  const project = await createTempProject({
    "a.txt": "a\n",
    "src/app.ts": "x\n",
    "LOOM.md": "rules\n",
    ".git/config": "[core]\n",
    "sub/.git/x": "x\n",
    "~/x": "tilde\n",
  });
  const evil = `${project.root}-evil`;
  await Deno.mkdir(`${evil}/dir`, { recursive: true });
  await Deno.writeTextFile(`${evil}/secret.txt`, "secret\n");
  const links: [string, string][] = [
    ["in_link.txt", "a.txt"],
    ["out_file", `${evil}/secret.txt`],
    ["out_dir", `${evil}/dir`],
    ["dangling_out", `${evil}/missing.txt`],
    ["dangling_out_dir", `${evil}/missingdir`],
    ["dangling_in", "newdir/new.txt"],
    ["dangling_in_dir", "newdir2"],
    ["chain1", "chain2"],
    ["chain2", "out_file"],
    ["chain_in1", "chain_in2"],
    ["chain_in2", "in_link.txt"],
    ["git_link", ".git"],
    ["loom_link", "LOOM.md"],
    ["via_dir", evil],
    ["dangling_via", "via_dir/newsub"],
    ["dangling_git_dir", ".git/newdir"],
    ["loop1", "loop2"],
    ["loop2", "loop1"],
  ];
  for (const [name, target] of links) await Deno.symlink(target, project.path(name));
  return {
    project,
    evil,
    async [Symbol.asyncDispose]() {
      await project[Symbol.asyncDispose]();
      await Deno.remove(evil, { recursive: true }).catch(() => {});
    },
  };
}

type Expect = { rel: string; exists: boolean } | ErrorCode | "refused";

/** [path, mode, expected]; `ROOT` and `EVIL` are replaced by the fixture's absolute paths. */
const TABLE: [string, "read" | "write", Expect][] = [
  ["a.txt", "read", { rel: "a.txt", exists: true }],
  ["./src/../a.txt", "read", { rel: "a.txt", exists: true }],
  ["ROOT/src/app.ts", "read", { rel: "src/app.ts", exists: true }],
  [".", "read", { rel: ".", exists: true }],
  [".", "write", "INVALID_INPUT"],
  ["new/file.txt", "write", { rel: "new/file.txt", exists: false }],
  ["../x", "read", "OUTSIDE_PROJECT"],
  ["../x", "write", "OUTSIDE_PROJECT"],
  ["./../x", "write", "OUTSIDE_PROJECT"],
  ["foo/../../x", "write", "OUTSIDE_PROJECT"],
  ["src/../../../etc/passwd", "read", "OUTSIDE_PROJECT"],
  ["/etc/passwd", "read", "OUTSIDE_PROJECT"],
  ["/", "read", "OUTSIDE_PROJECT"],
  ["EVIL/secret.txt", "read", "OUTSIDE_PROJECT"],
  ["EVIL/new.txt", "write", "OUTSIDE_PROJECT"],
  ["..\\x", "write", { rel: "..\\x", exists: false }],
  ["~/x", "read", { rel: "~/x", exists: true }],
  ["a.txt\0.png", "read", "OUTSIDE_PROJECT"],
  ["", "read", "INVALID_INPUT"],
  ["in_link.txt", "read", { rel: "a.txt", exists: true }],
  ["in_link.txt", "write", { rel: "a.txt", exists: true }],
  ["chain_in1", "write", { rel: "a.txt", exists: true }],
  ["out_file", "read", "OUTSIDE_PROJECT"],
  ["out_file", "write", "OUTSIDE_PROJECT"],
  ["out_dir/new.txt", "write", "OUTSIDE_PROJECT"],
  ["out_dir", "read", "OUTSIDE_PROJECT"],
  ["chain1", "read", "OUTSIDE_PROJECT"],
  ["dangling_out", "write", "OUTSIDE_PROJECT"],
  ["dangling_out_dir/new.txt", "write", "OUTSIDE_PROJECT"],
  ["dangling_via/new.txt", "write", "OUTSIDE_PROJECT"],
  ["dangling_in", "write", { rel: "newdir/new.txt", exists: false }],
  ["dangling_in_dir/x.txt", "write", { rel: "newdir2/x.txt", exists: false }],
  ["loop1", "read", "refused"],
  [".git/config", "read", { rel: ".git/config", exists: true }],
  [".git/config", "write", "PROTECTED_PATH"],
  [".git/hooks/pre-commit", "write", "PROTECTED_PATH"],
  [".GIT/config", "write", "PROTECTED_PATH"],
  ["sub/.git/x", "write", "PROTECTED_PATH"],
  [".loom/x", "write", "PROTECTED_PATH"],
  [".LOOM/x", "write", "PROTECTED_PATH"],
  ["LOOM.md", "write", "PROTECTED_PATH"],
  ["loom.md", "write", "PROTECTED_PATH"],
  [".loom.toml", "write", "PROTECTED_PATH"],
  ["src/../.git/config", "write", "PROTECTED_PATH"],
  ["git_link/config", "write", "PROTECTED_PATH"],
  ["git_link/hooks/new-hook", "write", "PROTECTED_PATH"],
  ["dangling_git_dir/x", "write", "PROTECTED_PATH"],
  ["loom_link", "write", "PROTECTED_PATH"],
  ["src/LOOM.md", "write", { rel: "src/LOOM.md", exists: false }],
];

Deno.test("the path guard resolves or refuses each path in the escape table", async () => {
  await using fixture = await escapeFixture();
  const { project, evil } = fixture;
  const guard = await createPathGuard(project.root);
  for (const [raw, mode, expected] of TABLE) {
    const path = raw.replace(/^ROOT/, project.root).replace(/^EVIL/, evil);
    const label = `${mode} ${JSON.stringify(raw)}`;
    const attempt = mode === "read" ? guard.resolveForRead(path) : guard.resolveForWrite(path);
    if (typeof expected === "object") {
      const got = await attempt;
      assert.equal(got.rel, expected.rel, label);
      assert.equal(got.exists, expected.exists, label);
      assert.ok(got.abs.startsWith(project.root + "/") || got.abs === project.root, label);
    } else {
      const err = await attempt.then(() => undefined, (e) => e);
      assert.ok(isLoomError(err), `${label} should be refused, got ${err}`);
      if (expected !== "refused") assert.equal(err.code, expected, `${label}: ${err.message}`);
    }
  }
});

Deno.test("the path guard's refusals name the path and say why in the house voice", async () => {
  await using fixture = await escapeFixture();
  const guard = await createPathGuard(fixture.project.root);
  await assert.rejects(guard.resolveForRead("../x"), {
    message: 'Cannot read "../x": it is outside the project',
  });
  await assert.rejects(guard.resolveForWrite("out_file"), {
    message: 'Cannot write "out_file": it resolves through a symlink to outside the project',
  });
  await assert.rejects(guard.resolveForRead("a\0b"), {
    message: 'Cannot read "a\\0b": it contains a NUL byte',
  });
});

Deno.test("the path guard returns the real target for a symlink that stays inside", async () => {
  await using fixture = await escapeFixture();
  const guard = await createPathGuard(fixture.project.root);
  const got = await guard.resolveForWrite("chain_in1");
  assert.equal(got.abs, fixture.project.path("a.txt"));
});

Deno.test("a guard made from a symlinked root still sees files under the real root as inside", async () => {
  await using project = await createTempProject({ "a.txt": "a\n" });
  const alias = `${project.root}-alias`;
  await Deno.symlink(project.root, alias);
  try {
    const guard = await createPathGuard(alias);
    assert.equal(guard.root, project.root);
    assert.equal((await guard.resolveForRead(`${alias}/a.txt`)).rel, "a.txt");
  } finally {
    await Deno.remove(alias);
  }
});

Deno.test("isProtected matches .git and .loom at any depth and the rule files only at the root", () => {
  const cases: [string, boolean][] = [
    [".git", true],
    [".git/config", true],
    ["a/b/.git/HEAD", true],
    [".Git/config", true],
    [".loom/loom.db", true],
    ["LOOM.md", true],
    [".loom.toml", true],
    ["docs/LOOM.md", false],
    ["docs/.loom.toml", false],
    [".gitignore", false],
    [".github/workflows/ci.yml", false],
    ["src/app.ts", false],
    [".", false],
  ];
  for (const [rel, expected] of cases) assert.equal(isProtected(rel), expected, rel);
});

Deno.test("a guard on a missing or non-directory root is a LoomError, not a file-system crash", async () => {
  await using project = await createTempProject({ "a.txt": "a\n" });
  const missing = project.path("typo/dir");
  await assert.rejects(
    () => createPathGuard(missing),
    (err) =>
      isLoomError(err, "NOT_FOUND") &&
      err.message === `Cannot open the project "${missing}": no such directory; check --project`,
  );
  await assert.rejects(
    () => createPathGuard(project.path("a.txt")),
    (err) =>
      isLoomError(err, "INVALID_INPUT") &&
      err.message.endsWith(": not a directory; check --project"),
  );
  await assert.rejects(() => Deno.stat(project.path("typo")), Deno.errors.NotFound);
});
