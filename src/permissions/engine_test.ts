import assert from "node:assert/strict";
import type { PermissionRequest } from "../core/mod.ts";
import { emptyRules } from "../config/rules_types.ts";
import type { ProjectRules } from "../config/rules_types.ts";
import { createPermissionEngine } from "./engine.ts";
import { isReadDenied } from "./read_denied.ts";
import type { PermissionEngine } from "./types.ts";

const ROOT = "/work/proj";

function engineWith(
  permissions: Partial<{ auto_approve: boolean; allow: string[]; ask: string[]; deny: string[] }>,
  rules: Partial<ProjectRules> = {},
  trusted = true,
): PermissionEngine {
  return createPermissionEngine({
    permissions: { auto_approve: false, allow: [], ask: [], deny: [], ...permissions },
    rules: { ...emptyRules(), ...rules },
    root: ROOT,
    trusted,
  });
}

const read = (...paths: string[]): PermissionRequest => ({
  kind: "read",
  tool: "file_read",
  paths,
});
const write = (...paths: string[]): PermissionRequest => ({
  kind: "write",
  tool: "file_write",
  paths,
});
const shell = (command: string): PermissionRequest => ({ kind: "shell", tool: "shell", command });
const git = (operation: string, mutating: boolean, paths: string[] = []): PermissionRequest => ({
  kind: "git",
  tool: "git",
  operation,
  mutating,
  paths,
});

async function action(engine: PermissionEngine, request: PermissionRequest) {
  return (await engine.decide(request)).action;
}

Deno.test("defaults: reads and read-only git are allowed, everything else asks", async () => {
  const engine = engineWith({});
  assert.equal(await action(engine, read("src/app.ts")), "allow");
  assert.equal(
    await action(engine, { kind: "read", tool: "directory_list", paths: ["."] }),
    "allow",
  );
  assert.equal(await action(engine, git("status", false)), "allow");
  assert.equal(await action(engine, write("src/app.ts")), "ask");
  assert.equal(await action(engine, git("commit", true)), "ask");
  assert.equal(await action(engine, shell("ls")), "ask");
  assert.equal(await action(engine, shell("")), "ask");
});

Deno.test("deny beats allow and ask whatever position the rules are written in", async () => {
  const table: [Partial<{ allow: string[]; ask: string[]; deny: string[] }>, string][] = [
    [{ allow: ["shell(rm *)"], deny: ["shell(rm *)"] }, "deny"],
    [{ deny: ["shell"], allow: ["shell(rm -rf x)"] }, "deny"],
    [{ allow: ["*"], ask: ["*"], deny: ["shell(rm:*)"] }, "deny"],
    [{ allow: ["shell(rm *)"], ask: ["shell(rm *)"] }, "ask"],
    [{ ask: ["shell"], allow: ["shell(rm -rf x)"] }, "ask"],
    [{ allow: ["shell(rm -rf x)"] }, "allow"],
    [{ allow: ["shell(rm *)"] }, "allow"],
    [{ allow: ["*"] }, "allow"],
  ];
  for (const [permissions, want] of table) {
    const decision = await engineWith(permissions).decide(shell("rm -rf x"));
    assert.equal(decision.action, want, JSON.stringify(permissions));
  }
});

Deno.test("path rules deny before allow, and the strictest path of a request decides", async () => {
  const engine = engineWith(
    { allow: ["file_write(src/**)"], deny: ["file_write(src/generated/**)"] },
  );
  assert.equal(await action(engine, write("src/a.ts")), "allow");
  assert.equal(await action(engine, write("src/generated/x.ts")), "deny");
  assert.equal(await action(engine, write("src/a.ts", "src/generated/x.ts")), "deny");
  assert.equal(await action(engine, write("src/a.ts", "README.md")), "ask");
  assert.equal(await action(engine, write("src2/a.ts")), "ask");
});

Deno.test("LOOM.md rules: Shell and File Write allow, the denied lists deny", async () => {
  const engine = engineWith({}, {
    shell: ["deno task test", "git log *"],
    fileWrite: ["src/**", "README.md"],
    fileWriteDenied: ["deno.lock", ".ci/**"],
    fileReadDenied: [".env", "*.pem"],
  });
  assert.equal(await action(engine, shell("deno task test")), "allow");
  assert.equal(await action(engine, shell("git log --oneline")), "allow");
  assert.equal(await action(engine, write("src/x.ts")), "allow");
  assert.equal(
    await action(engine, { kind: "write", tool: "file_edit", paths: ["README.md"] }),
    "allow",
  );
  assert.equal(await action(engine, write("deno.lock")), "deny");
  assert.equal(await action(engine, write(".ci/run")), "deny");
  assert.equal(await action(engine, read("deno.lock")), "allow");
  assert.equal(await action(engine, read(".env")), "deny");
  assert.equal(await action(engine, read("keys/server.pem")), "deny");
  assert.equal(
    await action(engine, { kind: "read", tool: "content_search", paths: ["a/.env"] }),
    "deny",
  );
  assert.equal(await action(engine, write("src/.env")), "deny");
  assert.equal(await action(engine, git("diff", false, [".env"])), "deny");
  assert.equal(await action(engine, git("checkout", true, ["deno.lock"])), "deny");
  assert.equal(await action(engine, git("diff", false, ["deno.lock"])), "allow");
});

Deno.test("an untrusted project's LOOM.md cannot widen, but its denials still hold", async () => {
  const engine = engineWith(
    {},
    { shell: ["rm *"], fileWrite: ["**"], fileReadDenied: ["*.pem"] },
    false,
  );
  assert.equal(await action(engine, shell("rm -rf x")), "ask");
  assert.equal(await action(engine, write("a.ts")), "ask");
  assert.equal(await action(engine, read("a.pem")), "deny");
});

Deno.test("deny globs ignore case so a differently cased name cannot slip past", async () => {
  const engine = engineWith({ deny: ["file_read(secrets/**)"] }, { fileReadDenied: ["*.pem"] });
  assert.equal(await action(engine, read("Secrets/key")), "deny");
  assert.equal(await action(engine, read("KEY.PEM")), "deny");
});

Deno.test("git rules match the operation name", async () => {
  const engine = engineWith({ allow: ["git(commit)"], deny: ["git(push)"] });
  assert.equal(await action(engine, git("commit", true)), "allow");
  assert.equal(await action(engine, git("push", true)), "deny");
  assert.equal(await action(engine, git("reset", true)), "ask");
});

Deno.test("auto_approve turns unmatched asks into allow but never a deny or an ask rule", async () => {
  const engine = engineWith({
    auto_approve: true,
    deny: ["shell(rm *)", "file_write(*.lock)"],
    ask: ["git(push)"],
  });
  assert.equal(await action(engine, shell("npm test")), "allow");
  assert.equal(await action(engine, write("src/a.ts")), "allow");
  assert.equal(await action(engine, shell("rm -rf x")), "deny");
  assert.equal(await action(engine, write("deno.lock")), "deny");
  assert.equal(await action(engine, git("push", true)), "ask");
  assert.equal(await action(engine, shell("echo $(id)")), "ask");
  assert.equal(await action(engine, shell("ls > /tmp/x")), "ask");
  assert.equal(await action(engine, write(".git/config")), "deny");
});

Deno.test("malformed rules fail closed: every call that changes something is denied", async () => {
  const fromLoomMd = engineWith({ allow: ["*"] }, {
    errors: [{ file: "LOOM.md", line: 12, message: "unknown heading" }],
  });
  const decision = await fromLoomMd.decide(shell("npm test"));
  assert.equal(decision.action, "deny");
  assert.match(decision.reason, /LOOM\.md:12/);
  assert.equal(decision.source, "LOOM.md:12");
  assert.equal(await action(fromLoomMd, write("a.ts")), "deny");
  assert.equal(await action(fromLoomMd, git("commit", true)), "deny");
  assert.equal(await action(fromLoomMd, read("a.ts")), "allow");
  assert.equal(await action(fromLoomMd, git("log", false)), "allow");

  const fromToml = engineWith({ allow: ["shell(npm test"] });
  const bad = await fromToml.decide(shell("npm test"));
  assert.equal(bad.action, "deny");
  assert.equal(bad.source, ".loom.toml permissions.allow[0]");
});

Deno.test("requests naming paths outside the project are denied", async () => {
  const engine = engineWith({ allow: ["*"] });
  assert.equal(await action(engine, read("../etc/passwd")), "deny");
  assert.equal(await action(engine, write("/etc/passwd")), "deny");
});

Deno.test("session grants allow the same call again but never past a deny", async () => {
  const engine = engineWith({ deny: ["file_write(*.lock)"], ask: ["shell(npm publish)"] });
  assert.equal(await action(engine, shell("npm test")), "ask");
  engine.grantForSession(shell("npm test"));
  assert.equal(await action(engine, shell("npm test")), "allow");
  assert.equal(await action(engine, shell("  npm test ")), "allow");
  assert.equal(await action(engine, shell("npm test; rm -rf x")), "ask");
  assert.equal(await action(engine, shell("npm test --watch")), "ask");

  engine.grantForSession(write("src/a.ts"));
  assert.equal(await action(engine, write("src/a.ts")), "allow");
  assert.equal(await action(engine, write("src/b.ts")), "ask");
  assert.equal(
    await action(engine, { kind: "write", tool: "file_edit", paths: ["src/a.ts"] }),
    "ask",
  );

  engine.grantForSession(write("deno.lock"));
  assert.equal(await action(engine, write("deno.lock")), "deny");

  engine.grantForSession(git("push", true));
  assert.equal(await action(engine, git("push", true)), "allow");
  assert.equal(await action(engine, git("reset", true)), "ask");
});

Deno.test("decisions name the rule, its source and, for asks, the exact rule to add", async () => {
  const engine = engineWith({ allow: ["shell(npm test)"], deny: ["shell(rm *)"] });
  const denied = await engine.decide(shell("npm test && rm -rf dist"));
  assert.equal(denied.action, "deny");
  assert.equal(denied.rule, "deny: shell(rm *)");
  assert.equal(denied.source, ".loom.toml permissions.deny[0]");
  assert.equal(
    denied.suggestion,
    `remove "shell(rm *)" from deny under [permissions] in .loom.toml`,
  );

  const asked = await engine.decide(shell("npm test; npm run build --prod"));
  assert.equal(asked.action, "ask");
  assert.equal(
    asked.suggestion,
    `add allow = ["shell(npm run build --prod)"] under [permissions] in .loom.toml`,
  );
  const file = await engine.decide(write("src/a b.ts"));
  assert.equal(
    file.suggestion,
    `add allow = ["file_write(src/a b.ts)"] under [permissions] in .loom.toml`,
  );
  const allowed = await engine.decide(shell("npm test"));
  assert.equal(allowed.source, ".loom.toml permissions.allow[0]");
});

Deno.test("explain lists each command with the rule that decided it", async () => {
  const engine = engineWith({ allow: ["shell(npm test)"] }, { fileReadDenied: [".env"] });
  await engine.decide(shell("npm test"));
  const text = engine.explain(shell("npm test; curl x > /tmp/y"));
  assert.match(text, /^ask: shell "npm test; curl x > \/tmp\/y"/);
  assert.match(
    text,
    /allow +"npm test": allow: shell\(npm test\) \(from \.loom\.toml permissions\.allow\[0\]\)/,
  );
  assert.match(text, /ask +"curl x": default: ask/);
  assert.match(text, /to allow it: answer "session"/);
  const plain = engine.explain(shell("npm test; curl x"));
  assert.match(plain, /to allow it: add allow = \["shell\(curl x\)"\] under \[permissions\]/);
  assert.match(text, /needs a person: .*writes outside the project/);
  const denied = engine.explain(read(".env"));
  assert.match(denied, /^deny: file_read ".env"/);
  assert.match(denied, /from LOOM\.md File Read Denied:/);
  assert.match(denied, /to change this: remove ".env" from "File Read Denied:" in LOOM\.md/);
});

Deno.test("isReadDenied answers for walkers from an engine or from bare rules", () => {
  const rules = { ...emptyRules(), fileReadDenied: ["*.pem", "secrets/"] };
  const engine = engineWith({ deny: ["file_read(private/**)", "content_search(logs/**)"] }, rules);
  for (const target of [engine, rules]) {
    assert.equal(isReadDenied(target, "a/b/key.pem"), true);
    assert.equal(isReadDenied(target, "secrets/x"), true);
    assert.equal(isReadDenied(target, "secretsx/x"), false);
    assert.equal(isReadDenied(target, "src/app.ts"), false);
    assert.equal(isReadDenied(target, "../outside"), true);
  }
  assert.equal(engine.isReadDenied("private/a"), true);
  assert.equal(isReadDenied(rules, "private/a"), false);
  assert.equal(engine.isReadDenied("logs/a", "content_search"), true);
  assert.equal(engine.isReadDenied("logs/a"), false);
});

Deno.test("an approval that came from --yes is named as such, not as a config file's setting", async () => {
  const engine = createPermissionEngine({
    permissions: { auto_approve: true, allow: [], ask: [], deny: [] },
    rules: emptyRules(),
    root: ROOT,
    autoApproveSource: "--yes",
  });
  const decision = await engine.decide(write("src/a.ts"));
  assert.equal(decision.action, "allow");
  assert.equal(decision.source, "--yes");
  const fromFile = createPermissionEngine({
    permissions: { auto_approve: true, allow: [], ask: [], deny: [] },
    rules: emptyRules(),
    root: ROOT,
  });
  assert.equal(
    (await fromFile.decide(write("src/a.ts"))).source,
    ".loom.toml permissions.auto_approve",
  );
});
