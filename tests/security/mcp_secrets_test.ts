import assert from "node:assert/strict";
import { join } from "node:path";
import { planMcpSandbox } from "../../src/cli/mcp_cmd.ts";
import { HOME_SECRETS } from "../../src/sandbox/bwrap.ts";
import { createTempProject } from "../_lib/project.ts";
import { connectStdio, createTempHome, MAIN } from "../_lib/mcp.ts";
import { HAS_BWRAP } from "../_lib/processes.ts";
import { denoDir } from "../_lib/home.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };
const KEY = "PRIVATE-KEY-MATERIAL";
const NETRC = "NETRC-PASSWORD";

/**
 * A user home with planted credentials, outside /tmp: the sandbox's private /tmp would hide
 * anything under /tmp whatever Loom did.
 */
async function plantedHome(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.realPath(
    await Deno.makeTempDir({ dir: "/var/tmp", prefix: "loom-home-" }),
  );
  await Deno.mkdir(join(path, ".ssh"));
  await Deno.writeTextFile(join(path, ".ssh", "id_ed25519"), KEY);
  await Deno.writeTextFile(join(path, ".netrc"), NETRC);
  await Deno.mkdir(join(path, ".aws"));
  return {
    path,
    async [Symbol.asyncDispose]() {
      await Deno.remove(path, { recursive: true }).catch(() => {});
    },
  };
}

Deno.test("the MCP re-exec flags grant no read on the home's credential paths", async () => {
  await using home = await plantedHome();
  await using loomHome = await createTempHome();
  await using project = await createTempProject();
  const plan = await planMcpSandbox({
    env: { HOME: home.path, PATH: Deno.env.get("PATH") ?? "" },
    home: loomHome.path,
    tempDir: "/tmp/loom-mcp-test",
    execPath: () => Deno.execPath(),
    mainModule: new URL(`file://${MAIN}`).href,
    argv: ["mcp"],
  }, project.root);
  const readFlag = plan.flags.find((f) => f.startsWith("--allow-read="))!;
  const readable = readFlag.slice("--allow-read=".length).split(",");
  for (const secret of HOME_SECRETS.filter((p) => p !== ".loom")) {
    const path = join(home.path, secret);
    const covering = readable.filter((dir) => path === dir || path.startsWith(dir + "/"));
    assert.deepEqual(covering, [], secret);
  }
});

Deno.test(
  "the sandboxed MCP server cannot read ~/.ssh itself, and its shell commands cannot either",
  { ...opts, ignore: !HAS_BWRAP },
  async () => {
    await using home = await plantedHome();
    await using loomHome = await createTempHome();
    await using project = await createTempProject();
    const env = { HOME: home.path, DENO_DIR: denoDir() };

    // Deno's own wall: a direct read, with no path guard in between, is refused.
    {
      await using s = await connectStdio(project.root, loomHome.path, {
        env: { ...env, LOOM_SANDBOX_PROBE: join(home.path, ".ssh", "id_ed25519") },
      });
      assert.equal(
        await s.waitForStderr(/^loom-sandbox-probe: /),
        "loom-sandbox-probe: NotCapable",
      );
    }

    // The OS sandbox: a shell command can neither print nor copy the planted credentials.
    await using s = await connectStdio(project.root, loomHome.path, { env, args: ["--yes"] });
    const result = await s.client.callTool({
      name: "shell",
      arguments: {
        command: `cat ~/.ssh/id_ed25519 ~/.netrc; cp ~/.ssh/id_ed25519 key.txt; ` +
          `cp ~/.netrc netrc.txt; ls -A ~/.ssh ~/.aws > listing.txt; true`,
      },
    });
    assert.doesNotMatch(JSON.stringify(result.content), new RegExp(`${KEY}|${NETRC}`));
    for (const copy of ["key.txt", "netrc.txt"]) {
      await assert.rejects(Deno.stat(project.path(copy)), Deno.errors.NotFound, copy);
    }
    // The command did run, and saw empty credential directories.
    assert.equal(
      (await Deno.readTextFile(project.path("listing.txt"))).includes("id_ed25519"),
      false,
    );
    assert.ok((await Deno.stat(project.path("listing.txt"))).isFile);
    // Nothing on the host changed.
    assert.equal(await Deno.readTextFile(join(home.path, ".ssh", "id_ed25519")), KEY);
  },
);
