import { deepEqual, equal, ok } from "node:assert/strict";
import type { Decision } from "../../permissions/types.ts";
import { createStyle, stripAnsi } from "../render/ansi.ts";
import type { Key } from "./keys.ts";
import {
  askPermission,
  formatPermissionQuestion,
  type PermissionPromptState,
  type PermissionQuestion,
  type PermissionReply,
  reducePermissionPrompt,
} from "./permission_prompt.ts";
import { createKeyReader } from "./terminal.ts";

const decision: Decision = {
  action: "ask",
  rule: "ask: shell(git push *)",
  source: ".loom.toml",
  reason: "pushing changes the remote",
};
const question: PermissionQuestion = {
  request: { kind: "shell", tool: "shell", command: "git push origin main" },
  decision,
  input: { command: "git push origin main", timeout_ms: 60000 },
};

const t = (text: string): Key => ({ type: "text", text });
const k = (name: string): Key => ({ type: "key", name } as Key);

function answer(keys: (Key | null)[]): PermissionReply | undefined {
  let state: PermissionPromptState = { stage: "choose" };
  for (const key of keys) {
    const step = reducePermissionPrompt(state, key);
    if (step.reply) return step.reply;
    state = step.state;
  }
  return undefined;
}

Deno.test("one key answers allow once, allow for the session, or deny with an optional reason", () => {
  const table: [string, (Key | null)[], PermissionReply | undefined][] = [
    ["y", [t("y")], { answer: "once" }],
    ["Y", [t("Y")], { answer: "once" }],
    ["a", [t("a")], { answer: "session" }],
    ["s", [t("s")], { answer: "session" }],
    ["n then Enter", [t("n"), k("enter")], { answer: "deny" }],
    ["n with a reason", [t("n"), t("use a PR"), k("backspace"), t("R"), k("enter")], {
      answer: "deny",
      reason: "use a PR",
    }],
    ["n and the reason in one chunk", [t("nlater"), k("enter")], {
      answer: "deny",
      reason: "later",
    }],
    ["escape", [k("escape")], { answer: "deny" }],
    ["ctrl-c while typing a reason", [t("n"), t("why"), k("ctrl-c")], { answer: "deny" }],
    ["end of input", [null], { answer: "deny" }],
    ["other keys are ignored", [t("x"), k("enter"), k("up")], undefined],
    ["Enter alone does not allow", [k("enter")], undefined],
  ];
  for (const [name, keys, want] of table) deepEqual(answer(keys), want, name);
});

Deno.test("the question shows the exact command, the other arguments and the rule that asked", () => {
  const text = formatPermissionQuestion(question, createStyle(false));
  const lines = text.split("\n");
  equal(lines[0], "? Loom wants to run the shell command: git push origin main");
  equal(lines[1], "    git push origin main");
  equal(lines[2], "  timeout_ms: 60000");
  equal(lines[3], "  asked by ask: shell(git push *) (.loom.toml): pushing changes the remote");
  ok(lines[4].includes("[y] allow once") && lines[4].includes("[a] allow for this session"));
  const colored = formatPermissionQuestion(question, createStyle(true));
  equal(stripAnsi(colored), text);
});

Deno.test("askPermission reads keys in raw mode and returns the reason typed after n", async () => {
  const chunks = ["x", "n", "not on Fridays", "\r"];
  const writes: string[] = [];
  const raw: boolean[] = [];
  const reply = await askPermission(
    createKeyReader(() => Promise.resolve(chunks.shift() ?? null)),
    { write: (s) => writes.push(s), setRaw: (on) => raw.push(on), columns: () => 80 },
    question,
    createStyle(false),
  );
  deepEqual(reply, { answer: "deny", reason: "not on Fridays" });
  deepEqual(raw, [true, false]);
  const out = writes.join("");
  ok(out.includes("Reason for the model (optional, Enter to skip): not on Fridays"));
  ok(out.endsWith("→ denied\r\n"));
});
