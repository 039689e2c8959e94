// `loom`, `loom "question"` and `loom -p`: picks the REPL or one answer, and builds either from
// the facts main.ts gathered about the terminal, the environment and standard input.
import { LoomError } from "../core/mod.ts";
import { openAgentSetup } from "./_agent_setup.ts";
import type { CliArgs } from "./args.ts";
import { buildPrompt, runOneShot } from "./oneshot.ts";
import { createStyle, detectTerminal } from "./render/ansi.ts";
import { createSpinner } from "./render/status.ts";
import { createTurnView } from "./render/turn_view.ts";
import { askPermission } from "./repl/permission_prompt.ts";
import { createKeyReader, type TerminalIO } from "./repl/terminal.ts";
import { runRepl } from "./repl_cmd.ts";

/** The outside world, handed in by main.ts. */
export interface AgentCommandDeps {
  args: CliArgs;
  /** The question (`loom "question"`), if any. */
  question?: string;
  root: string;
  home: string;
  env: Record<string, string>;
  stdinIsTty: boolean;
  stdoutIsTty: boolean;
  /** All of standard input (called only when it is not a terminal). */
  readStdin: () => Promise<string>;
  io: TerminalIO;
  err: (text: string) => void;
  /** Calls `handler` on each SIGINT until the returned function is called. */
  onInterrupt: (handler: () => void) => () => void;
}

/** Runs the REPL or one answer; returns the exit code. */
export async function runAgentCommand(deps: AgentCommandDeps): Promise<number> {
  const { args, io } = deps;
  const terminal = detectTerminal({
    isTty: deps.stdoutIsTty,
    // no-color.org: set and not empty.
    noColor: (deps.env.NO_COLOR ?? "") !== "",
    columns: io.columns(),
  });
  const style = createStyle(terminal.color);
  const warned = new Set<string>();
  const setupOptions = {
    root: deps.root,
    home: deps.home,
    env: deps.env,
    model: args.model,
    yes: args.yes,
    session: args.resume
      ? { resume: args.resume }
      : args.continue
      ? { continueLatest: true }
      : undefined,
    onWarning: (message: string) => {
      if (!warned.has(message)) deps.err(`${style.yellow("warning:")} ${message}\n`);
      warned.add(message);
    },
  };
  if (deps.question === undefined && !args.print && deps.stdinIsTty) {
    if (args.outputFormat !== "text") {
      throw new LoomError(
        "USAGE",
        `Cannot use --output-format ${args.outputFormat} in the REPL: add -p "question" to answer once`,
      );
    }
    return await runRepl({
      setup: setupOptions,
      io,
      terminal,
      style,
      architect: args.architect,
      pickSession: args.resume === "",
      onInterrupt: deps.onInterrupt,
    });
  }
  if (args.resume === "") {
    throw new LoomError("USAGE", "Cannot pick a session without a terminal: give --resume ID");
  }
  const piped = deps.stdinIsTty ? "" : await deps.readStdin();
  const prompt = buildPrompt(deps.question ?? "", piped);
  if (prompt.trim() === "") {
    throw new LoomError(
      "USAGE",
      `Cannot answer: no question given; write loom -p "question" or pipe input into it`,
    );
  }
  // A person at a terminal sees the turn as it happens and answers permission questions.
  const watched = !args.print && deps.stdoutIsTty && args.outputFormat === "text";
  const keys = deps.stdinIsTty ? createKeyReader(() => io.read()) : undefined;
  const view = watched
    ? createTurnView({
      write: (t) => io.write(t),
      terminal,
      style,
      spinner: createSpinner({ write: (t) => io.write(t), isTty: terminal.isTty }),
      diffOf: (path) => setup.checkpoints.takeDiff(path),
    })
    : undefined;
  using setup = await openAgentSetup({
    ...setupOptions,
    ask: watched && keys
      ? (request, decision, input) => {
        view?.pause();
        return askPermission(keys, io, { request, decision, input }, style);
      }
      : undefined,
  });
  const controller = new AbortController();
  const stop = deps.onInterrupt(() => controller.abort());
  // A reader that went away (`loom -p ... | head -1`) ends the turn quietly, like `cat` would.
  let readerGone = false;
  const out = (text: string) => {
    if (readerGone) return;
    try {
      io.write(text);
    } catch (e) {
      if (!(e instanceof Deno.errors.BrokenPipe)) throw e;
      readerGone = true;
      controller.abort();
    }
  };
  try {
    setup.checkpoints.begin();
    const code = await runOneShot(setup.agent, prompt, {
      format: args.outputFormat,
      view,
      architect: args.architect,
      terminal: deps.stdoutIsTty,
      signal: controller.signal,
      out,
      err: deps.err,
    });
    return readerGone ? 0 : code;
  } finally {
    stop();
  }
}
