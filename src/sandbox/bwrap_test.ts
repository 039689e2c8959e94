import assert from "node:assert/strict";
import { join } from "node:path";
import { bwrapArgv, createBwrapWrapper, findSecretPaths, parseSecretPaths } from "./bwrap.ts";
import { createProcessRunner } from "./runner.ts";
import type { RunResult } from "../core/mod.ts";
import { createTempProject } from "../../tests/_lib/project.ts";
import type { TempProject } from "../../tests/_lib/project.ts";
import { HAS_BWRAP } from "../../tests/_lib/processes.ts";

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** A directory outside /tmp (which the sandbox replaces), so "not written" means refused. */
async function outsideDir(): Promise<string> {
  return await Deno.realPath(await Deno.makeTempDir({ dir: "/var/tmp", prefix: "loom-out-" }));
}

async function runIn(
  project: TempProject,
  command: string,
  options: { network?: boolean; home?: string } = {},
): Promise<RunResult> {
  const wrapper = createBwrapWrapper({
    root: project.root,
    network: options.network ?? false,
    bwrapPath: "bwrap",
    home: options.home,
  });
  const runner = createProcessRunner({ wrapper, env: Deno.env.toObject() });
  return await runner.run(["bash", "-c", command], { cwd: project.root, timeoutMs: 30_000 });
}

Deno.test("bwrap argv binds the system read-only, the project writable and its protected paths read-only", () => {
  const argv = bwrapArgv(
    { root: "/nonexistent/proj", network: false, bwrapPath: "/usr/bin/bwrap", hiddenPaths: [] },
    ["bash", "-c", "make"],
    "/nonexistent/proj/src",
  );
  assert.deepEqual(argv, [
    "/usr/bin/bwrap",
    ...["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"],
    ...["--bind", "/nonexistent/proj", "/nonexistent/proj"],
    ...["--ro-bind-try", "/nonexistent/proj/.git", "/nonexistent/proj/.git"],
    ...["--ro-bind-try", "/nonexistent/proj/.loom", "/nonexistent/proj/.loom"],
    ...["--ro-bind-try", "/nonexistent/proj/LOOM.md", "/nonexistent/proj/LOOM.md"],
    ...["--ro-bind-try", "/nonexistent/proj/.loom.toml", "/nonexistent/proj/.loom.toml"],
    ...["--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"],
    "--unshare-net",
    ...["--cap-drop", "ALL", "--die-with-parent", "--chdir", "/nonexistent/proj/src", "--"],
    ...["bash", "-c", "make"],
  ]);
});

Deno.test("bwrap argv keeps the network when allowed", () => {
  const argv = bwrapArgv({ root: "/p", network: true, bwrapPath: "bwrap", hiddenPaths: [] }, [
    "true",
  ], "/p");
  assert.ok(!argv.includes("--unshare-net"));
  assert.ok(argv.includes("--unshare-pid"));
});

Deno.test("bwrap argv hides credential dirs and files in the home that exist, and only those", async () => {
  const home = await outsideDir();
  try {
    await Deno.mkdir(join(home, ".ssh"));
    await Deno.mkdir(join(home, ".config/gh"), { recursive: true });
    await Deno.writeTextFile(join(home, ".netrc"), "machine x password y");
    const argv = bwrapArgv(
      { root: "/p", network: false, bwrapPath: "bwrap", home, hiddenPaths: [] },
      ["true"],
      "/p",
    ).join(" ");
    assert.ok(argv.includes(`--tmpfs ${home}/.ssh`));
    assert.ok(argv.includes(`--tmpfs ${home}/.config/gh`));
    assert.ok(argv.includes(`--ro-bind /dev/null ${home}/.netrc`));
    assert.ok(!argv.includes(`${home}/.aws`), "absent paths get no mount point");
    assert.ok(argv.indexOf(`${home}/.ssh`) < argv.indexOf("--bind /p /p"));
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("bwrap argv binds a protected file read-only whatever the case of its name", async () => {
  await using project = await createTempProject({ "loom.MD": "rules" });
  const argv = bwrapArgv(
    { root: project.root, network: false, bwrapPath: "bwrap", hiddenPaths: [] },
    ["true"],
    project.root,
  ).join(" ");
  assert.ok(argv.includes(`--ro-bind-try ${project.root}/loom.MD ${project.root}/loom.MD`));
});

const sandboxTest = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name, ignore: !HAS_BWRAP, fn });

sandboxTest("a sandboxed command writes inside the project", async () => {
  await using project = await createTempProject();
  const result = await runIn(project, "echo made > made.txt");
  assert.equal(result.code, 0);
  assert.equal(await project.read("made.txt"), "made\n");
});

sandboxTest(
  "a sandboxed command cannot write outside the project, even through a symlink",
  async () => {
    await using project = await createTempProject();
    const outside = await outsideDir();
    try {
      await Deno.symlink(outside, project.path("link"));
      const result = await runIn(
        project,
        `echo x > ${outside}/direct; echo x > link/through; echo x > $HOME/loom-sandbox-probe`,
      );
      assert.notEqual(result.code, 0);
      assert.equal(await exists(join(outside, "direct")), false);
      assert.equal(await exists(join(outside, "through")), false);
      assert.equal(
        await exists(join(Deno.env.get("HOME") ?? "/root", "loom-sandbox-probe")),
        false,
      );
    } finally {
      await Deno.remove(outside, { recursive: true });
    }
  },
);

sandboxTest(
  "a sandboxed command cannot change .git/config, even by unmounting as root",
  async () => {
    await using project = await createTempProject({ "a.txt": "a" }, { git: true });
    const before = await project.read(".git/config");
    const result = await runIn(
      project,
      `echo evil >> .git/config; umount ${project.root}/.git; echo evil >> .git/config; rm -rf .git`,
    );
    assert.notEqual(result.code, 0);
    assert.equal(await project.read(".git/config"), before);
  },
);

sandboxTest("a sandboxed command cannot change an existing LOOM.md", async () => {
  await using project = await createTempProject({ "LOOM.md": "# rules\n" });
  await runIn(project, "echo '- Shell: *' >> LOOM.md; mv LOOM.md gone.md; rm -f LOOM.md");
  assert.equal(await project.read("LOOM.md"), "# rules\n");
  assert.equal(await exists(project.path("gone.md")), false);
});

sandboxTest("protected files a sandboxed command creates are removed and reported", async () => {
  await using project = await createTempProject({ "keep.txt": "k" });
  const result = await runIn(
    project,
    "echo x > .loom.toml; echo y > LOOM.md; mkdir -p .git/hooks; echo z > .git/hooks/pre-commit; ln -s /etc/hostname Loom.md",
  );
  assert.equal(result.code, 0);
  assert.deepEqual([...(result.reverted ?? [])].sort(), [
    ".git",
    ".loom.toml",
    "LOOM.md",
    "Loom.md",
  ]);
  for (const name of [".loom.toml", "LOOM.md", ".git", "Loom.md"]) {
    assert.equal(await exists(project.path(name)), false, `${name} was left behind`);
  }
  assert.equal(await exists("/etc/hostname"), true, "a planted link's target is untouched");
  assert.equal(await project.read("keep.txt"), "k");
});

sandboxTest("/tmp inside the sandbox is private", async () => {
  await using project = await createTempProject();
  const name = `/tmp/loom-private-${crypto.randomUUID()}`;
  const result = await runIn(project, `echo secret > ${name} && cat ${name}`);
  assert.equal(result.stdout, "secret\n");
  assert.equal(await exists(name), false);
});

sandboxTest("credential dirs in the home are hidden from a sandboxed command", async () => {
  await using project = await createTempProject();
  const home = await outsideDir();
  try {
    await Deno.mkdir(join(home, ".ssh"));
    await Deno.writeTextFile(join(home, ".ssh/id_ed25519"), "PRIVATE-KEY-MATERIAL");
    await Deno.writeTextFile(join(home, ".netrc"), "NETRC-PASSWORD");
    const result = await runIn(
      project,
      `cat ${home}/.ssh/id_ed25519 ${home}/.netrc; ls -A ${home}/.ssh`,
      { home },
    );
    assert.ok(!result.stdout.includes("PRIVATE-KEY-MATERIAL"));
    assert.ok(!result.stdout.includes("NETRC-PASSWORD"));
    assert.equal(await Deno.readTextFile(join(home, ".ssh/id_ed25519")), "PRIVATE-KEY-MATERIAL");
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

async function connectFromSandbox(network: boolean): Promise<{ code: number | null; got: string }> {
  await using project = await createTempProject();
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const received = listener.accept().then(
    async (conn) => new TextDecoder().decode(await new Response(conn.readable).arrayBuffer()),
    () => "", // The listener closed with nobody having connected.
  );
  const { port } = listener.addr;
  const result = await runIn(project, `echo hello > /dev/tcp/127.0.0.1/${port}`, { network });
  // A connection that was made is already queued, so accept() has it; else closing ends accept().
  if (result.code !== 0) listener.close();
  const got = await received;
  if (result.code === 0) listener.close();
  return { code: result.code, got };
}

sandboxTest("a sandboxed command has no network by default", async () => {
  const { code, got } = await connectFromSandbox(false);
  assert.notEqual(code, 0);
  assert.equal(got, "");
});

sandboxTest("a sandboxed command reaches the network when it is allowed", async () => {
  const { code, got } = await connectFromSandbox(true);
  assert.equal(code, 0);
  assert.equal(got, "hello\n");
});

Deno.test("bwrap argv hides credential paths handed down by a process that could still see them", () => {
  const argv = bwrapArgv(
    {
      root: "/p",
      network: false,
      bwrapPath: "bwrap",
      hiddenPaths: [],
      // Unreadable from here (they do not exist): only the handed-down list can name them.
      secrets: [{ path: "/nonexistent-home/.ssh", dir: true }, {
        path: "/nonexistent-home/.netrc",
        dir: false,
      }],
    },
    ["true"],
    "/p",
  ).join(" ");
  assert.ok(argv.includes("--tmpfs /nonexistent-home/.ssh"));
  assert.ok(argv.includes("--ro-bind /dev/null /nonexistent-home/.netrc"));
});

Deno.test("findSecretPaths lists the credential paths that exist with their kind; the env form round-trips", async () => {
  const home = await outsideDir();
  try {
    await Deno.mkdir(join(home, ".ssh"));
    await Deno.writeTextFile(join(home, ".netrc"), "x");
    const found = findSecretPaths(home, []);
    assert.deepEqual(found, [
      { path: join(home, ".ssh"), dir: true },
      { path: join(home, ".netrc"), dir: false },
    ]);
    assert.deepEqual(parseSecretPaths(JSON.stringify(found)), found);
    assert.equal(parseSecretPaths('[{"path":"relative","dir":true}]'), undefined);
    assert.equal(parseSecretPaths("{oops"), undefined);
    assert.equal(parseSecretPaths(undefined), undefined);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
