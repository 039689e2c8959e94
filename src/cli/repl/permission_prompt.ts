// The inline permission question: what the tool wants (the exact arguments or command), which
// rule asked, and a one-key answer; "deny" takes an optional reason for the model.
import type { PermissionRequest } from "../../core/mod.ts";
import type { Answer, Decision } from "../../permissions/types.ts";
import { describeRequest } from "../../permissions/mod.ts";
import type { Style } from "../render/ansi.ts";
import { safeExact, safeText } from "../render/safe_text.ts";
import { createEditorState, type EditorState, reduceEditor } from "./editor.ts";
import { drawEditor, layoutEditor } from "./editor_render.ts";
import type { Key } from "./keys.ts";
import type { KeyReader, TerminalIO } from "./terminal.ts";

/** What is being asked: the request, the decision that said "ask", the call's arguments. */
export interface PermissionQuestion {
  request: PermissionRequest;
  decision: Decision;
  input?: Record<string, unknown>;
}

/** The person's answer, and why when they denied and said so. */
export interface PermissionReply {
  answer: Answer;
  reason?: string;
}

const REASON_PROMPT = "  Reason for the model (optional, Enter to skip): ";

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

const ONE_LINE = { oneLine: true };

/**
 * The question as terminal lines (no trailing newline); arguments are shown whole up to a cap.
 * What is approved is shown exactly: control, invisible and reordering characters are made
 * visible (safeExact) before Loom styles the text, so it cannot hide or rewrite itself.
 */
export function formatPermissionQuestion(q: PermissionQuestion, style: Style, width = 80): string {
  const what = safeExact(describeRequest(q.request), ONE_LINE);
  const lines = [`${style.yellow("?")} ${style.bold(`Loom wants to ${what}`)}`];
  if (q.request.kind === "shell") {
    for (const l of q.request.command.split("\n")) lines.push(`    ${style.cyan(safeExact(l))}`);
  }
  for (const [key, value] of Object.entries(q.input ?? {})) {
    if (q.request.kind === "shell" && key === "command") continue;
    const shown = safeExact(JSON.stringify(value) ?? "", ONE_LINE);
    lines.push(
      `  ${style.gray(`${safeExact(key, ONE_LINE)}:`)} ${clip(shown, Math.max(40, width * 3))}`,
    );
  }
  const rule = q.decision.rule ? `${q.decision.rule} (${q.decision.source})` : q.decision.source;
  lines.push(
    `  ${style.gray("asked by")} ${safeText(`${rule}: ${q.decision.reason}`, ONE_LINE)}`,
  );
  lines.push(
    `  ${style.bold("[y]")} allow once  ${style.bold("[a]")} allow for this session  ${
      style.bold("[n]")
    } deny`,
  );
  return lines.join("\n");
}

/** Where the question is: choosing, or typing a reason after "n". */
export type PermissionPromptState =
  | { stage: "choose" }
  | { stage: "reason"; editor: EditorState };

/** Applies one key; returns the reply once the person has answered. Pure. */
export function reducePermissionPrompt(
  state: PermissionPromptState,
  key: Key | null,
): { state: PermissionPromptState; reply?: PermissionReply } {
  if (key === null) return { state, reply: { answer: "deny" } };
  if (state.stage === "choose") {
    if (key.type === "text") {
      const ch = key.text[0].toLowerCase();
      if (ch === "y") return { state, reply: { answer: "once" } };
      if (ch === "a" || ch === "s") return { state, reply: { answer: "session" } };
      if (ch === "n") {
        // Fast typists (and pastes) deliver "n" and the reason in one chunk.
        const rest = key.text.slice(1);
        const editor = createEditorState();
        return {
          state: {
            stage: "reason",
            editor: rest ? reduceEditor(editor, { type: "text", text: rest }).state : editor,
          },
        };
      }
      return { state };
    }
    if (key.type === "key" && ["ctrl-c", "ctrl-d", "escape"].includes(key.name)) {
      return { state, reply: { answer: "deny" } };
    }
    return { state };
  }
  if (key.type === "key" && (key.name === "escape" || key.name === "ctrl-c")) {
    return { state, reply: { answer: "deny" } };
  }
  // The reason is one line: Enter submits it even after a trailing backslash or a newline key.
  if (key.type === "key" && (key.name === "enter" || key.name === "newline")) {
    const reason = state.editor.text.trim();
    return { state, reply: reason ? { answer: "deny", reason } : { answer: "deny" } };
  }
  const flat: Key = key.type === "paste"
    ? { type: "text", text: key.text.replace(/\n/g, " ") }
    : key;
  const step = reduceEditor(state.editor, flat);
  if (step.effects.some((e) => e.type === "eof")) return { state, reply: { answer: "deny" } };
  return { state: { stage: "reason", editor: step.state } };
}

/** Asks in the terminal (raw mode) and waits for the answer; end of input counts as deny. */
export async function askPermission(
  keys: KeyReader,
  io: Pick<TerminalIO, "write" | "setRaw" | "columns">,
  question: PermissionQuestion,
  style: Style,
): Promise<PermissionReply> {
  io.setRaw(true);
  try {
    io.write(
      `${formatPermissionQuestion(question, style, io.columns()).replace(/\n/g, "\r\n")}\r\n`,
    );
    let state: PermissionPromptState = { stage: "choose" };
    let drawnRow = 0;
    while (true) {
      const key = await keys.next();
      const step = reducePermissionPrompt(state, key);
      if (step.state.stage === "reason") {
        const editor = step.state.editor;
        const layout = layoutEditor(REASON_PROMPT, editor.text, editor.cursor, io.columns());
        io.write(drawEditor(layout, drawnRow));
        drawnRow = layout.cursorRow;
      }
      if (step.reply) {
        const said = step.reply.answer === "once"
          ? "allowed once"
          : step.reply.answer === "session"
          ? "allowed for this session"
          : "denied";
        io.write(`${step.state.stage === "reason" ? "\r\n" : ""}  ${style.gray(`→ ${said}`)}\r\n`);
        return step.reply;
      }
      state = step.state;
    }
  } finally {
    io.setRaw(false);
  }
}
