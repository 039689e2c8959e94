// `loom`: the interactive REPL. Reads lines, runs turns with live rendering, answers slash
// commands; Ctrl-C cancels a turn, a second Ctrl-C on an empty line (or Ctrl-D, /quit) exits.
import { join } from "node:path";
import { isLoomError, LoomError } from "../core/mod.ts";
import { type AgentSetup, type AgentSetupOptions, openAgentSetup } from "./_agent_setup.ts";
import { createReplCommands, type ReplState } from "./repl_commands.ts";
import { renderSessionList } from "./sessions_cmd.ts";
import type { Style, TerminalInfo } from "./render/ansi.ts";
import { safeText } from "./render/safe_text.ts";
import { createSpinner } from "./render/status.ts";
import { createTurnView, type TurnView } from "./render/turn_view.ts";
import { openHistoryFile } from "./repl/history.ts";
import { createLineEditor, type LineEditor } from "./repl/line_editor.ts";
import { askPermission } from "./repl/permission_prompt.ts";
import { createKeyReader, type TerminalIO } from "./repl/terminal.ts";

/** What the REPL needs from the outside world. */
export interface ReplOptions {
  setup: Omit<AgentSetupOptions, "ask">;
  io: TerminalIO;
  terminal: TerminalInfo;
  style: Style;
  architect?: boolean;
  /** `--resume` without an id: offer a pick list first. */
  pickSession?: boolean;
  /** Calls `handler` on each SIGINT until the returned function is called. */
  onInterrupt: (handler: () => void) => () => void;
}

const PROMPT = "› ";

/** Runs the REPL until the person leaves; returns the exit code. */
export async function runRepl(options: ReplOptions): Promise<number> {
  const { io, style, terminal } = options;
  const write = (text: string) => io.write(text);
  const keys = createKeyReader(() => io.read());
  let view: TurnView | undefined;
  const setup = await openAgentSetup({
    ...options.setup,
    undoTree: true,
    ask: (request, decision, input) => {
      view?.pause();
      return askPermission(keys, io, { request, decision, input }, style);
    },
  });
  using _closing = setup;
  const state: ReplState = {
    setup,
    architect: options.architect ?? false,
    calls: [],
    notes: [],
  };
  const registry = createReplCommands();
  const root = setup.host.context.guard.root;
  const editor = await createLineEditor(io, {
    history: openHistoryFile(join(root, ".loom", "history")),
    complete: registry.completer(state),
    keys,
    onHistoryError: (err) => write(style.yellow(`Cannot save the input history: ${err}\n`)),
  });
  // The pick list's answer is not an input worth keeping: it reads through its own editor.
  const picker = options.pickSession ? await createLineEditor(io, { keys }) : undefined;
  if (picker && !(await pickSession(setup, picker, write))) return 0;
  write(banner(setup, style, state.architect));
  // While the person types, a few rehearsed turns get the code a turn runs compiled. Leaving
  // stops them and waits for the one under way.
  const warming = new AbortController();
  const warmed = setup.warmUp(warming.signal);
  await using _warming = {
    [Symbol.asyncDispose]: async () => {
      warming.abort();
      await warmed;
    },
  };

  while (true) {
    const result = await editor.read(PROMPT);
    if (result.type === "interrupt") {
      write(style.gray("(Ctrl-C again to quit)\n"));
      continue;
    }
    if (result.type === "exit" || result.type === "eof") break;
    const text = result.text.trim();
    if (text === "") continue;
    if (text.startsWith("/")) {
      try {
        const out = await registry.run(text, state);
        // Command output quotes tool results, titles and graph nodes: shown, never run.
        if (out.text) write(`${safeText(out.text)}\n`);
        if (out.exit) break;
      } catch (err) {
        if (!isLoomError(err)) throw err;
        write(`${style.red(safeText(err.message))}\n`);
      }
      continue;
    }
    const notes = state.notes.splice(0);
    const prompt = notes.length > 0 ? `${notes.join("\n")}\n\n${result.text}` : result.text;
    view = createTurnView({
      write,
      terminal,
      style,
      spinner: createSpinner({ write, isTty: terminal.isTty }),
      diffOf: (path) => setup.checkpoints.takeDiff(path),
      firstCallNumber: state.calls.length + 1,
    });
    // Keys typed during the turn are neither echoed over its output nor lost: they wait in the
    // terminal for the next prompt. Ctrl-C still cancels the turn.
    io.setQuiet?.(true);
    try {
      await runTurn(state, prompt, view, options.onInterrupt);
    } finally {
      io.setQuiet?.(false);
    }
    state.calls.push(...view.calls);
    view = undefined;
  }
  write("Bye\n");
  return 0;
}

async function runTurn(
  state: ReplState,
  prompt: string,
  view: TurnView,
  onInterrupt: ReplOptions["onInterrupt"],
): Promise<void> {
  const controller = new AbortController();
  const stop = onInterrupt(() => controller.abort(new LoomError("CANCELLED", "Cancelled")));
  state.setup.checkpoints.begin();
  try {
    const events = state.setup.agent.run(prompt, {
      signal: controller.signal,
      mode: state.architect ? "architect" : "normal",
    });
    for await (const event of events) view.handle(event);
  } finally {
    stop();
    view.pause();
  }
}

function banner(setup: AgentSetup, style: Style, architect: boolean): string {
  const session = setup.agent.session();
  const mode = architect ? " · architect" : "";
  const lines = [
    `${style.bold("Loom")} ${
      style.gray(`· ${setup.modelId}${mode} · ${setup.host.context.guard.root}`)
    }`,
  ];
  if (session) {
    const count = setup.agent.messages().length;
    const title = safeText(session.title ?? "(untitled)", { oneLine: true });
    lines.push(`Resumed "${title}" (${count} messages)`);
  }
  lines.push(style.gray("/help lists the commands; Ctrl-C cancels a turn; Ctrl-D quits"));
  return `${lines.join("\n")}\n`;
}

/** `--resume` without an id: lists the sessions and reads a choice; false when the person left. */
async function pickSession(
  setup: AgentSetup,
  editor: LineEditor,
  write: (text: string) => void,
): Promise<boolean> {
  const sessions = setup.agent.store.list({ limit: 20 });
  if (sessions.length === 0) {
    write("No saved sessions; starting a new one\n");
    return true;
  }
  const list = renderSessionList(setup.agent.store, sessions).trimEnd().split("\n");
  write(`    ${list[0]}\n`);
  list.slice(1).forEach((row, i) => write(`${String(i + 1).padStart(2)}. ${row}\n`));
  while (true) {
    const answer = await editor.read("Resume which session? (number or id, Enter for a new one) ");
    if (answer.type === "exit" || answer.type === "eof") return false;
    if (answer.type !== "line") continue;
    const choice = answer.text.trim();
    if (choice === "") return true;
    const index = /^\d+$/.test(choice) ? Number(choice) - 1 : -1;
    const id = sessions[index]?.id ?? choice;
    try {
      await setup.reopen({ resume: id });
      return true;
    } catch (err) {
      if (!isLoomError(err)) throw err;
      write(`${safeText(err.message)}\n`);
    }
  }
}
