import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { isLoomError } from "../../core/mod.ts";
import { createCommandRegistry, parseSlashCommand, suggestCommand } from "./commands.ts";
import { defaultCommands } from "./default_commands.ts";

const ISSUE_NAMES = [
  "help",
  "model",
  "architect",
  "history",
  "sessions",
  "resume",
  "clear",
  "compact",
  "cost",
  "graph",
  "decisions",
  "permissions",
  "undo",
  "quit",
];

Deno.test("slash lines parse into a name and the rest as arguments", () => {
  const table: [string, ReturnType<typeof parseSlashCommand>][] = [
    ["/model anthropic:claude-sonnet-4-5", { name: "model", args: "anthropic:claude-sonnet-4-5" }],
    ["  /Help  ", { name: "help", args: "" }],
    ["/decisions why sqlite\nand wal", { name: "decisions", args: "why sqlite\nand wal" }],
    ["hello /model", undefined],
    ["/", undefined],
    ["//x", undefined],
  ];
  for (const [line, want] of table) deepEqual(parseSlashCommand(line), want, line);
});

Deno.test("typos suggest the nearest command, or nothing when none is near", () => {
  const table: [string, string | undefined][] = [
    ["compct", "compact"],
    ["qiut", "quit"],
    ["perm", "permissions"],
    ["hist", "history"],
    ["undoo", "undo"],
    ["xyzzy", undefined],
  ];
  for (const [typed, want] of table) equal(suggestCommand(typed, ISSUE_NAMES), want, typed);
});

Deno.test("Loom's registry holds every command of the issue, with /help listing them", async () => {
  const registry = createCommandRegistry(defaultCommands<void>());
  deepEqual(registry.list().map((c) => c.name), ISSUE_NAMES);
  const help = (await registry.run("/help", undefined)).text ?? "";
  for (const name of ISSUE_NAMES) ok(help.includes(`/${name}`), name);
  ok(help.includes("/model <provider:model>"));
  equal(
    (await registry.run("/help model", undefined)).text,
    "`/model <provider:model>`: Switch the model for the rest of the session",
  );
  deepEqual(await registry.run("/quit", undefined), { exit: true });
});

Deno.test("an unknown command fails with USAGE and names the nearest one", async () => {
  const registry = createCommandRegistry(defaultCommands<void>());
  await rejects(registry.run("/compct", undefined), (err) => {
    ok(isLoomError(err, "USAGE"));
    equal(err.message, 'Cannot run "/compct": no such command; did you mean /compact?');
    return true;
  });
  await rejects(registry.run("/xyzzy", undefined), /type \/help to list the commands/);
});

Deno.test("commands without a handler say they are not available; handlers receive args and context", async () => {
  const seen: [string, number][] = [];
  const registry = createCommandRegistry(defaultCommands<number>({
    model: { run: (args, ctx) => void seen.push([args, ctx]) },
  }));
  await rejects(registry.run("/undo", 0), (err) => isLoomError(err, "UNAVAILABLE"));
  deepEqual(await registry.run("/model openai:gpt-5", 7), {});
  deepEqual(seen, [["openai:gpt-5", 7]]);
});

Deno.test("completion offers command names, then the command's own arguments", () => {
  const registry = createCommandRegistry(defaultCommands<string[]>({
    model: { run: () => {}, complete: (_prefix, ids) => ids },
  }));
  const complete = registry.completer(["anthropic:claude-x", "openai:gpt-5"]);
  deepEqual(complete("/co", 3), { from: 0, candidates: ["/compact", "/cost"] });
  deepEqual(complete("/model op", 9), { from: 7, candidates: ["openai:gpt-5"] });
  deepEqual(complete("/help mo", 8), { from: 6, candidates: ["model"] });
  deepEqual(complete("/undo x", 7).candidates, []);
  deepEqual(complete("plain text", 10).candidates, []);
});

Deno.test("two commands with one name are a programming error", () => {
  const cmd = { name: "x", help: "", run: () => {} };
  let threw = false;
  try {
    createCommandRegistry([cmd, cmd]);
  } catch (err) {
    threw = !isLoomError(err);
  }
  ok(threw);
});
