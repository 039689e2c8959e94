import assert from "node:assert/strict";
import { isLoomError } from "../core/mod.ts";
import { createTempProject } from "../../tests/_lib/project.ts";
import { fsReason, isReadOnlyFs, realProjectRoot } from "./project_root.ts";

Deno.test("realProjectRoot returns the realpath of an existing directory, through a symlink too", async () => {
  await using project = await createTempProject({ "a.txt": "a\n" });
  await Deno.symlink(project.root, `${project.root}-link`);
  try {
    assert.equal(await realProjectRoot(project.root), project.root);
    assert.equal(await realProjectRoot(`${project.root}-link`), project.root);
  } finally {
    await Deno.remove(`${project.root}-link`);
  }
});

Deno.test("realProjectRoot refuses a missing directory with NOT_FOUND and creates nothing", async () => {
  await using project = await createTempProject();
  const missing = `${project.root}/typo/deep/dir`;
  await assert.rejects(
    () => realProjectRoot(missing),
    (err) =>
      isLoomError(err, "NOT_FOUND") &&
      err.message === `Cannot open the project "${missing}": no such directory; check --project`,
  );
  await assert.rejects(() => Deno.stat(`${project.root}/typo`), Deno.errors.NotFound);
});

Deno.test("realProjectRoot refuses a file, and a path through a file, naming what it is", async () => {
  await using project = await createTempProject({ "a.txt": "a\n" });
  await assert.rejects(
    () => realProjectRoot(project.path("a.txt")),
    (err) =>
      isLoomError(err, "INVALID_INPUT") &&
      err.message ===
        `Cannot open the project "${project.path("a.txt")}": not a directory; check --project`,
  );
  await assert.rejects(
    () => realProjectRoot(project.path("a.txt/sub"), "serve"),
    (err) =>
      isLoomError(err, "NOT_FOUND") &&
      err.message ===
        `Cannot serve "${project.path("a.txt/sub")}": no such directory; check --project`,
  );
});

Deno.test("fsReason turns file-system errors into a few lowercase words", async () => {
  const erofs = Object.assign(
    new Error("Read-only file system (os error 30): mkdir '/p/.loom'"),
    { code: "EROFS" },
  );
  assert.equal(fsReason(erofs), "read-only file system");
  assert.ok(isReadOnlyFs(erofs));
  assert.equal(fsReason(new Deno.errors.PermissionDenied("x")), "permission denied");
  assert.equal(
    fsReason(new Error("Something odd (os error 99): open '/x'")),
    "something odd",
  );
  const missing = await Deno.stat("/nonexistent-loom-test").catch((e) => e);
  assert.equal(fsReason(missing), "no such file or directory");
  assert.ok(!isReadOnlyFs(missing));
});
