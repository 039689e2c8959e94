import assert from "node:assert/strict";
import { join } from "node:path";
import { createProjectAndHome, createTempProject } from "../../tests/_lib/project.ts";
import { loadConfig } from "./load.ts";
import { projectHash, recordTrust, trustStatus } from "./trust.ts";

const WIDE_TOML = [
  "[permissions]", // 1
  'allow = ["shell(npm test)"]', // 2
  'deny = ["shell(rm *)"]', // 3
  'ask = ["file_write(src/**)"]', // 4
  "auto_approve = true", // 5
  "[sandbox]", // 6
  'mode = "off"', // 7
  "network = true", // 8
  "[mcp.servers.docs]", // 9
  'url = "http://127.0.0.1:9000/mcp"', // 10
  "[lsp.servers]", // 11
  'ts = { command = "tsc", args = ["--lsp"] }', // 12
  "[shell]", // 13
  "timeout_seconds = 30", // 14
].join("\n");

const WIDE_MD = [
  "Be careful.", // 1
  "## Allowed Operations", // 2
  "- Shell: npm test, npm run *", // 3
  "- File Write: src/**", // 4
  "- File Write Denied: secrets/**", // 5
  "- File Read Denied: .env", // 6
].join("\n");

const PENDING = [
  '.loom.toml:2: permissions.allow = ["shell(npm test)"]',
  ".loom.toml:5: permissions.auto_approve = true",
  '.loom.toml:7: sandbox.mode = "off"',
  ".loom.toml:8: sandbox.network = true",
  '.loom.toml:9: mcp.servers.docs = { url = "http://127.0.0.1:9000/mcp" }',
  '.loom.toml:12: lsp.servers.ts = { command = "tsc", args = ["--lsp"] }',
  "LOOM.md:3: Shell: npm test, npm run *",
  "LOOM.md:4: File Write: src/**",
];

async function setup(
  files: Record<string, string> = { ".loom.toml": WIDE_TOML, "LOOM.md": WIDE_MD },
) {
  const dirs = await createProjectAndHome(files);
  return {
    ...dirs,
    load: () => loadConfig({ root: dirs.project.root, home: dirs.home.root, env: {} }),
  };
}

Deno.test("an untrusted project loses its widening rules and lists each one as pending", async () => {
  await using t = await setup();
  const { config, rules, trust } = await t.load();
  assert.equal(trust.trusted, false);
  assert.equal(trust.recorded, false);
  assert.deepEqual(trust.pending, PENDING);
  assert.deepEqual(config.permissions.allow, []);
  assert.equal(config.permissions.auto_approve, false);
  assert.equal(config.sandbox.mode, "auto");
  assert.equal(config.sandbox.network, false);
  assert.deepEqual(config.mcp.servers, {});
  assert.deepEqual(config.lsp.servers, {});
  assert.deepEqual(rules.shell, []);
  assert.deepEqual(rules.fileWrite, []);
});

Deno.test("narrowing rules and harmless settings apply in an untrusted project", async () => {
  await using t = await setup();
  const { config, rules } = await t.load();
  assert.deepEqual(config.permissions.deny, ["shell(rm *)"]);
  assert.deepEqual(config.permissions.ask, ["file_write(src/**)"]);
  assert.equal(config.shell.timeout_seconds, 30);
  assert.deepEqual(rules.fileWriteDenied, ["secrets/**"]);
  assert.deepEqual(rules.fileReadDenied, [".env"]);
  assert.deepEqual(rules.instructions, [{ source: "LOOM.md", text: "Be careful." }]);
});

Deno.test("after recordTrust the widening rules take effect", async () => {
  await using t = await setup();
  const recorded = await recordTrust({ root: t.project.root, home: t.home.root });
  assert.deepEqual([recorded.trusted, recorded.recorded], [true, true]);
  const { config, rules, trust } = await t.load();
  assert.deepEqual([trust.trusted, trust.recorded], [true, true]);
  assert.deepEqual(trust.pending, PENDING);
  assert.deepEqual(config.permissions.allow, ["shell(npm test)"]);
  assert.equal(config.permissions.auto_approve, true);
  assert.equal(config.sandbox.mode, "off");
  assert.equal(config.sandbox.network, true);
  assert.deepEqual(Object.keys(config.mcp.servers), ["docs"]);
  assert.deepEqual(config.lsp.servers.ts.command, "tsc");
  assert.deepEqual(rules.shell, ["npm test", "npm run *"]);
  assert.deepEqual(rules.fileWrite, ["src/**"]);
});

for (const file of [".loom.toml", "LOOM.md"]) {
  Deno.test(`editing ${file} after trusting strips the widening rules again`, async () => {
    await using t = await setup();
    await recordTrust({ root: t.project.root, home: t.home.root });
    await t.project.write(file, (await t.project.read(file)) + "\n# edited\n");
    const { config, rules, trust } = await t.load();
    assert.deepEqual([trust.trusted, trust.recorded], [false, false]);
    assert.deepEqual(config.permissions.allow, []);
    assert.equal(config.sandbox.mode, "auto");
    assert.deepEqual(rules.shell, []);
  });
}

Deno.test("a project with nothing widening is trusted but not recorded until loom trust", async () => {
  await using t = await setup({ ".loom.toml": '[permissions]\ndeny = ["shell(rm *)"]\n' });
  assert.deepEqual(await t.load().then((l) => l.trust.pending), []);
  let status = await trustStatus({ root: t.project.root, home: t.home.root });
  assert.deepEqual([status.trusted, status.recorded], [true, false]);
  await recordTrust({ root: t.project.root, home: t.home.root });
  status = await trustStatus({ root: t.project.root, home: t.home.root });
  assert.deepEqual([status.trusted, status.recorded], [true, true]);
});

Deno.test("recordTrust writes the realpath, the hash and the clock's time to trust.json", async () => {
  await using t = await setup();
  const link = join(t.home.root, "link-to-project");
  await Deno.symlink(t.project.root, link);
  await recordTrust({ root: link, home: t.home.root, clock: { now: () => Date.UTC(2030, 0, 2) } });
  const storePath = join(t.home.root, ".loom", "trust.json");
  const store = JSON.parse(await Deno.readTextFile(storePath));
  assert.deepEqual(store, {
    projects: {
      [t.project.root]: {
        hash: await projectHash(t.project.root),
        trustedAt: "2030-01-02T00:00:00.000Z",
      },
    },
  });
  assert.equal((await Deno.stat(storePath)).mode! & 0o777, 0o600);
  const left = [...Deno.readDirSync(join(t.home.root, ".loom"))].map((e) => e.name);
  assert.deepEqual(left, ["trust.json"]);
  assert.equal((await trustStatus({ root: t.project.root, home: t.home.root })).recorded, true);
});

Deno.test("recordTrust keeps the entries of other projects", async () => {
  await using a = await setup();
  await using b = await createTempProject({ ".loom.toml": WIDE_TOML });
  await recordTrust({ root: a.project.root, home: a.home.root });
  await recordTrust({ root: b.root, home: a.home.root });
  assert.equal((await trustStatus({ root: a.project.root, home: a.home.root })).recorded, true);
  assert.equal((await trustStatus({ root: b.root, home: a.home.root })).recorded, true);
});

Deno.test("a damaged trust store trusts nothing and says so in the warnings", async () => {
  await using t = await setup();
  await recordTrust({ root: t.project.root, home: t.home.root });
  await t.home.write(".loom/trust.json", "{ not json");
  const { trust, warnings, config } = await t.load();
  assert.equal(trust.trusted, false);
  assert.deepEqual(config.permissions.allow, []);
  assert.ok(warnings.some((w) => w.includes("trust store is not valid JSON")), warnings.join("\n"));
});

Deno.test("projectHash changes with .loom.toml or LOOM.md and ignores other files", async () => {
  await using t = await setup();
  const before = await projectHash(t.project.root);
  await t.project.write("README.md", "unrelated");
  assert.equal(await projectHash(t.project.root), before);
  await t.project.write("LOOM.md", WIDE_MD + " ");
  assert.notEqual(await projectHash(t.project.root), before);
});
