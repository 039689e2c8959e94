// Shell attacks against a rule set that allows only an innocent command. Each attack is run for
// real when (and only when) the engine says "allow", so a wrong answer shows up on disk.
import assert from "node:assert/strict";
import { join } from "node:path";
import { emptyRules } from "../../src/config/rules_types.ts";
import type { ProjectRules } from "../../src/config/rules_types.ts";
import type { PermissionRequest } from "../../src/core/mod.ts";
import { createPermissionEngine } from "../../src/permissions/mod.ts";
import type { Decision, PermissionEngine } from "../../src/permissions/mod.ts";
import { createProcessRunner } from "../../src/sandbox/mod.ts";

const PROJECT_FILES = {
  "LOOM.md": "# rules\n",
  ".loom.toml": "[permissions]\n",
  "src/app.ts": "export {};\n",
};

interface Arena extends AsyncDisposable {
  /** The project root, a git repository with LOOM.md and .loom.toml. */
  root: string;
  /** A directory outside the project holding `canary`; attacks try to delete it. */
  outside: string;
  /** HOME for the children, so `~/...` attacks land here. */
  home: string;
  /** Runs `command` with bash in the project only if `engine` allows it. */
  attempt(engine: PermissionEngine, command: string): Promise<Decision>;
  /** Everything on disk an attack might touch, to compare before and after. */
  snapshot(): Promise<Record<string, string | null>>;
}

async function createArena(): Promise<Arena> {
  // Everything lives under one temp dir, so `../x` from the project stays in the arena.
  const base = await Deno.realPath(await Deno.makeTempDir({ prefix: "loom-arena-" }));
  const root = join(base, "project");
  for (const [rel, text] of Object.entries(PROJECT_FILES)) {
    await Deno.mkdir(join(root, rel, ".."), { recursive: true });
    await Deno.writeTextFile(join(root, rel), text);
  }
  const git = await new Deno.Command("git", { args: ["init", "-q"], cwd: root }).output();
  assert.ok(git.success, "git init failed");
  const outside = join(base, "outside");
  const home = join(base, "home");
  await Deno.mkdir(outside);
  await Deno.mkdir(home);
  await Deno.writeTextFile(join(outside, "canary"), "alive\n");
  await Deno.writeTextFile(join(home, ".bashrc"), "# untouched\n");
  // A fake `ls` that deletes the canary: what `PATH=... ls` would run.
  const evil = join(base, "evil");
  await Deno.mkdir(evil);
  await Deno.writeTextFile(join(evil, "ls"), `#!/bin/sh\nrm -f "${outside}/canary"\n`);
  await Deno.chmod(join(evil, "ls"), 0o755);
  const runner = createProcessRunner({ env: { PATH: Deno.env.get("PATH") ?? "", HOME: home } });
  const watched = [
    join(outside, "canary"),
    join(outside, "pwned"),
    join(root, "..", "pwned"),
    join(home, ".bashrc"),
    join(root, ".git", "config"),
    join(root, "LOOM.md"),
    join(root, ".loom.toml"),
    join(root, "src", "app.ts"),
  ];
  return {
    root,
    outside,
    home,
    async attempt(engine, command) {
      const decision = await engine.decide({ kind: "shell", tool: "shell", command });
      if (decision.action === "allow") {
        await runner.run(["bash", "-c", command], {
          cwd: root,
          timeoutMs: 10_000,
          sandbox: false,
        });
      }
      return decision;
    },
    async snapshot() {
      const entries = await Promise.all(
        watched.map(async (path) => [path, await Deno.readTextFile(path).catch(() => null)]),
      );
      return Object.fromEntries(entries);
    },
    async [Symbol.asyncDispose]() {
      await Deno.remove(base, { recursive: true }).catch(() => {});
    },
  };
}

function engineWith(
  permissions: Partial<{ auto_approve: boolean; allow: string[]; deny: string[] }>,
  root: string,
  rules: Partial<ProjectRules> = {},
): PermissionEngine {
  return createPermissionEngine({
    permissions: { auto_approve: false, allow: [], ask: [], deny: [], ...permissions },
    rules: { ...emptyRules(), ...rules },
    root,
  });
}

/** Runs every attack; none may be allowed and nothing on disk may change. */
async function assertNoneAllowed(arena: Arena, engine: PermissionEngine, attacks: string[]) {
  const before = await arena.snapshot();
  const allowed: string[] = [];
  for (const attack of attacks) {
    if ((await arena.attempt(engine, attack)).action === "allow") allowed.push(attack);
  }
  // Everything is inside the arena, so even a wrong "allow" only damages the arena: check it.
  assert.deepEqual(
    await arena.snapshot(),
    before,
    `disk changed; allowed: ${JSON.stringify(allowed)}`,
  );
  assert.equal(await Deno.readTextFile(join(arena.outside, "canary")), "alive\n");
  assert.deepEqual(allowed, []);
}

Deno.test("the harness really runs what the engine allows", async () => {
  await using arena = await createArena();
  const engine = engineWith({ allow: ["shell(rm *)"] }, arena.root);
  const decision = await arena.attempt(engine, `rm -f ${join(arena.outside, "canary")}`);
  assert.equal(decision.action, "allow");
  await assert.rejects(Deno.stat(join(arena.outside, "canary")), Deno.errors.NotFound);
});

Deno.test("chained commands each need their own allow rule", async () => {
  await using arena = await createArena();
  const engine = engineWith({ allow: ["shell(ls *)"] }, arena.root);
  assert.equal((await arena.attempt(engine, "ls -la src")).action, "allow");
  const kill = `rm -f ${join(arena.outside, "canary")}`;
  await assertNoneAllowed(arena, engine, [
    `ls; ${kill}`,
    `ls && ${kill}`,
    `ls /nonexistent || ${kill}`,
    `ls | ${kill}`,
    `ls |& ${kill}`,
    `ls\n${kill}`,
    `ls\r${kill}`,
    `ls\r\n${kill}`,
    `ls & ${kill}`,
    `(${kill})`,
    `{ ${kill}; }`,
    `if ls; then ${kill}; fi`,
    `for f in x; do ${kill}; done`,
    `f() { ${kill}; }; f`,
    `ls # harmless\n${kill}`,
  ]);
});

Deno.test("substitutions are never allowed, even in quotes and heredocs", async () => {
  await using arena = await createArena();
  const engine = engineWith({ allow: ["shell(ls *)", "shell(rm *)"] }, arena.root);
  const kill = `rm -f ${join(arena.outside, "canary")}`;
  await assertNoneAllowed(arena, engine, [
    `ls $(${kill})`,
    `ls \`${kill}\``,
    `ls <(${kill})`,
    `ls >(${kill})`,
    `ls "$(${kill})"`,
    `ls "prefix \`${kill}\` suffix"`,
    `ls <<EOF\n$(${kill})\nEOF`,
    `ls <<< "$(${kill})"`,
    `ls \${X:-$(${kill})}`,
  ]);
});

Deno.test("redirections out of the project or into protected files are not allowed", async () => {
  await using arena = await createArena();
  const engine = engineWith({ allow: ["shell(ls *)"], auto_approve: true }, arena.root);
  assert.equal((await arena.attempt(engine, "ls > /dev/null 2>&1")).action, "allow");
  await assertNoneAllowed(arena, engine, [
    `ls > ${join(arena.outside, "pwned")}`,
    `ls >> ../pwned`,
    `ls 2> ~/.bashrc`,
    `ls &> ${join(arena.outside, "canary")}`,
    `ls > .git/config`,
    `ls >LOOM.md`,
    `ls >> .loom.toml`,
    `ls > src/../LOOM.md`,
    `ls > "$HOME/.bashrc"`,
    `ls > .gi?/config`,
    `ls > LOOM.m[d]`,
    `ls > .loom.tom*`,
    `cd ..; ls > pwned`,
  ]);
  const protectedWrite = await engine.decide({
    kind: "shell",
    tool: "shell",
    command: "ls > .git/config",
  });
  assert.equal(protectedWrite.action, "deny");
});

Deno.test("env prefixes and assignments are not auto-allowed", async () => {
  await using arena = await createArena();
  const engine = engineWith({ allow: ["shell(ls *)"], auto_approve: true }, arena.root);
  const evil = join(arena.outside, "..", "evil");
  await assertNoneAllowed(arena, engine, [
    `PATH=${evil}:$PATH ls`,
    `PATH=${evil} ls -la`,
    `LD_PRELOAD=${evil}/x.so ls`,
    `GIT_DIR=${arena.outside} ls`,
    `PATH=${evil}; ls`,
    `export PATH=${evil}; ls`,
    `env PATH=${evil} ls`,
  ]);
});

Deno.test("other shells, eval and friends cannot smuggle commands past the rules", async () => {
  await using arena = await createArena();
  const engine = engineWith(
    { allow: ["shell(ls *)", "shell(echo *)", "shell(xargs *)"], auto_approve: true },
    arena.root,
  );
  const canary = join(arena.outside, "canary");
  await assertNoneAllowed(arena, engine, [
    `bash -c "rm -f ${canary}"`,
    `sh -c 'rm -f ${canary}'`,
    `echo "rm -f ${canary}" | sh`,
    `eval "rm -f ${canary}"`,
    `ls; eval rm -f ${canary}`,
    `echo rm -f ${canary} > x.sh; source x.sh`,
    `exec rm -f ${canary}`,
    `echo ${canary} | xargs sh -c 'rm -f "$0"'`,
    `X=rm; $X -f ${canary}`,
    `\${X:-rm} -f ${canary}`,
  ]);
});

Deno.test("quoting and path tricks do not dodge a deny rule", async () => {
  await using arena = await createArena();
  const engine = engineWith({ allow: ["shell(*)"], deny: ["shell(rm *)"] }, arena.root);
  const canary = join(arena.outside, "canary");
  await assertNoneAllowed(arena, engine, [
    `rm -f ${canary}`,
    `'rm' -f ${canary}`,
    `"rm" -f ${canary}`,
    `r\\m -f ${canary}`,
    `r''m -f ${canary}`,
    `/bin/rm -f ${canary}`,
    `command rm -f ${canary}`,
    `env rm -f ${canary}`,
    `nice -n 5 rm -f ${canary}`,
    `timeout 5 rm -f ${canary}`,
    `echo ${canary} | xargs rm -f`,
    `$'\\x72m' -f ${canary}`,
    `r?? -f ${canary}`,
    `bash -c "ls; rm -f ${canary}"`,
  ]);
  const viaShell = await engine.decide({
    kind: "shell",
    tool: "shell",
    command: `bash -c "rm -f ${canary}"`,
  });
  assert.equal(viaShell.action, "deny");
});

Deno.test("allow patterns stop at word boundaries", async () => {
  await using arena = await createArena();
  const engine = engineWith({ allow: ["shell(ls *)", "shell(git status)"] }, arena.root);
  const canary = join(arena.outside, "canary");
  await Deno.writeTextFile(join(arena.root, "lsx"), `#!/bin/sh\nrm -f "${canary}"\n`);
  await Deno.chmod(join(arena.root, "lsx"), 0o755);
  await assertNoneAllowed(arena, engine, [
    "./lsx",
    "lsx",
    "ls-x",
    "git status; ./lsx",
    "git status --porcelain && ./lsx",
    "git statusx",
  ]);
});

Deno.test("path globs do not leak to siblings, parents or differently cased names", async () => {
  await using arena = await createArena();
  const engine = engineWith(
    { allow: ["file_write(src/**)"], deny: ["file_read(*.env)"] },
    arena.root,
    { fileReadDenied: ["secrets/"] },
  );
  const write = (path: string): PermissionRequest => ({
    kind: "write",
    tool: "file_write",
    paths: [path],
  });
  const read = (path: string): PermissionRequest => ({
    kind: "read",
    tool: "file_read",
    paths: [path],
  });
  assert.equal((await engine.decide(write("src/a.ts"))).action, "allow");
  for (
    const path of ["src2/a.ts", "srcx", "src/../LOOM.md", "../src/a.ts", "/src/a.ts", ".loom.toml"]
  ) {
    assert.notEqual((await engine.decide(write(path))).action, "allow", path);
  }
  for (const path of [".env", "a/b/.env", "x.ENV", "secrets/k", "a/secrets/k", "SECRETS/k"]) {
    assert.equal((await engine.decide(read(path))).action, "deny", path);
  }
  assert.equal((await engine.decide(read("secrets2/k"))).action, "allow");
});
