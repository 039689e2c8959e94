import assert from "node:assert/strict";
import { denoPermissionFlags, isSandboxedChild, REEXEC_MARKER, reexecArgv } from "./deno_flags.ts";
import { HOME_SECRETS, HOST_SECRETS } from "./bwrap.ts";

const base = {
  root: "/work/app",
  loomHome: "/home/u/.loom",
  tempDir: "/tmp/loom-mcp-1",
  appDir: "/opt/loom",
  denoDir: "/home/u/.cache/deno",
  pathDirs: ["/usr/bin"],
};

function flag(flags: string[], name: string): string[] | undefined {
  const found = flags.find((f) => f === name || f.startsWith(`${name}=`));
  return found?.includes("=") ? found.split("=")[1].split(",") : found ? [] : undefined;
}

Deno.test("denoPermissionFlags writes only to the project, Loom's home and the private temp dir", () => {
  const flags = denoPermissionFlags(base);
  assert.deepEqual(flag(flags, "--allow-write"), ["/work/app", "/home/u/.loom", "/tmp/loom-mcp-1"]);
  const read = flag(flags, "--allow-read")!;
  for (const dir of ["/work/app", "/opt/loom", "/home/u/.cache/deno", "/usr/bin"]) {
    assert.ok(read.includes(dir), dir);
  }
  assert.ok(!read.includes("/home/u") && !read.includes("/") && !read.includes("/tmp"));
  assert.equal(flag(flags, "--allow-net"), undefined);
  assert.ok(flags.includes("--allow-run") && flags.includes("--no-prompt"));
});

Deno.test("denoPermissionFlags allows only the loopback listener for HTTP", () => {
  assert.deepEqual(flag(denoPermissionFlags({ ...base, listenPort: 4343 }), "--allow-net"), [
    "127.0.0.1:4343",
  ]);
  assert.deepEqual(flag(denoPermissionFlags({ ...base, listenPort: 0 }), "--allow-net"), [
    "127.0.0.1",
  ]);
  // A request's signal aborts when its client goes away, not after each answer.
  assert.ok(denoPermissionFlags({ ...base, listenPort: 0 }).includes("--unstable-no-legacy-abort"));
  assert.ok(!denoPermissionFlags(base).includes("--unstable-no-legacy-abort"));
});

Deno.test("reexecArgv runs the same entry with the flags and config, and the marker stops a second re-exec", () => {
  const argv = reexecArgv({
    execPath: "/usr/bin/deno",
    flags: ["--allow-env"],
    configPath: "/opt/loom/deno.json",
    mainModule: "file:///opt/loom/src/main.ts",
    args: ["mcp", "--project", "/work/app"],
    env: {},
  });
  assert.deepEqual(argv, [
    "/usr/bin/deno",
    "run",
    "--allow-env",
    "--config",
    "/opt/loom/deno.json",
    "file:///opt/loom/src/main.ts",
    "mcp",
    "--project",
    "/work/app",
  ]);
  assert.equal(isSandboxedChild({ [REEXEC_MARKER]: "1" }), true);
  assert.equal(isSandboxedChild({}), false);
});

Deno.test("denoPermissionFlags grants no read on any credential path, nor on a parent of one", () => {
  const read = flag(denoPermissionFlags(base), "--allow-read")!;
  const secrets = [
    ...HOME_SECRETS.filter((p) => p !== ".loom").map((p) => `/home/u/${p}`),
    ...HOST_SECRETS,
  ];
  for (const secret of secrets) {
    const covering = read.filter((dir) => secret === dir || secret.startsWith(dir + "/"));
    assert.deepEqual(covering, [], secret);
  }
});
