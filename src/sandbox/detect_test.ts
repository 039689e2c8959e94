import assert from "node:assert/strict";
import { join } from "node:path";
import { isLoomError } from "../core/mod.ts";
import { findOnPath, resolveSandbox } from "./detect.ts";
import { HAS_BWRAP } from "../../tests/_lib/processes.ts";

const env = { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", HOME: "/nonexistent-home" };
const missing = () => Promise.resolve(null);

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "loom-detect-" }));
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** A fake bwrap that fails the way it does where user namespaces are disabled. */
async function brokenBwrap(dir: string): Promise<string> {
  const path = join(dir, "bwrap");
  await Deno.writeTextFile(
    path,
    "#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\nexit 1\n",
  );
  await Deno.chmod(path, 0o755);
  return path;
}

Deno.test("sandbox mode off runs unsandboxed and says it was asked for", async () => {
  const resolved = await resolveSandbox({ mode: "off", network: false, root: "/", env });
  assert.equal(resolved.mode, "off");
  assert.deepEqual(resolved.wrapper.wrap(["ls"], "/"), ["ls"]);
  assert.match(resolved.reason, /sandbox\.mode is "off"/);
});

Deno.test("auto mode without bwrap runs unsandboxed and says how to install it", async () => {
  const resolved = await resolveSandbox({
    mode: "auto",
    network: false,
    root: "/",
    env,
    findBinary: missing,
  });
  assert.equal(resolved.mode, "off");
  assert.match(
    resolved.reason,
    /bwrap is not on PATH; install bubblewrap \(apt-get install bubblewrap\)/,
  );
});

Deno.test("bwrap mode without bwrap fails with UNAVAILABLE and the install command", async () => {
  await assert.rejects(
    resolveSandbox({ mode: "bwrap", network: false, root: "/", env, findBinary: missing }),
    (err) => {
      assert.ok(isLoomError(err, "UNAVAILABLE"));
      assert.match(
        err.message,
        /^Cannot start the sandbox: bwrap is not on PATH; .*apt-get install bubblewrap/,
      );
      return true;
    },
  );
});

Deno.test("auto mode off Linux runs unsandboxed and names the platform", async () => {
  const resolved = await resolveSandbox({
    mode: "auto",
    network: false,
    root: "/",
    env,
    os: "darwin",
  });
  assert.equal(resolved.mode, "off");
  assert.match(resolved.reason, /only on Linux, not darwin/);
});

Deno.test("a bwrap that cannot create namespaces is detected by the probe", () =>
  withDir(async (dir) => {
    const fake = await brokenBwrap(dir);
    const findBinary = () => Promise.resolve(fake);
    const auto = await resolveSandbox({ mode: "auto", network: false, root: dir, env, findBinary });
    assert.equal(auto.mode, "off");
    assert.match(auto.reason, /No permissions to create new namespace/);
    await assert.rejects(
      resolveSandbox({ mode: "bwrap", network: false, root: dir, env, findBinary }),
      (err) => isLoomError(err, "UNAVAILABLE") && /new namespace/.test(err.message),
    );
  }));

Deno.test({
  name: "auto mode picks a working bwrap and says whether the network is allowed",
  ignore: !HAS_BWRAP,
  fn: () =>
    withDir(async (dir) => {
      const resolved = await resolveSandbox({ mode: "auto", network: false, root: dir, env });
      assert.equal(resolved.mode, "bwrap");
      assert.match(resolved.reason, /under \/.*bwrap \(no network\)/);
      assert.ok(resolved.wrapper.wrap(["true"], dir).includes("--unshare-net"));
    }),
});

Deno.test("findOnPath returns the first executable match and skips non-executables", () =>
  withDir(async (dir) => {
    await Deno.mkdir(join(dir, "a"));
    await Deno.mkdir(join(dir, "b"));
    await Deno.writeTextFile(join(dir, "a/tool"), "not executable");
    await Deno.writeTextFile(join(dir, "b/tool"), "#!/bin/sh\n");
    await Deno.chmod(join(dir, "b/tool"), 0o755);
    await Deno.mkdir(join(dir, "a/dirtool"));
    const path = `::${join(dir, "a")}:${join(dir, "b")}`;
    assert.equal(await findOnPath("tool", { PATH: path }), join(dir, "b/tool"));
    assert.equal(await findOnPath("dirtool", { PATH: path }), null);
    assert.equal(await findOnPath("absent", { PATH: path }), null);
    assert.equal(await findOnPath("tool", {}), null);
    assert.equal(await findOnPath(join(dir, "b/tool"), {}), join(dir, "b/tool"));
  }));
