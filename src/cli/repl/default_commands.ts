// Loom's slash commands. /help and /quit work here; the rest take their handlers from the REPL
// (session, agent, graph), and say so plainly until one is given.
import { LoomError } from "../../core/mod.ts";
import { formatHelp, type SlashCommand } from "./commands.ts";

/** The names of Loom's built-in slash commands. */
export type CommandName =
  | "help"
  | "model"
  | "architect"
  | "history"
  | "sessions"
  | "resume"
  | "clear"
  | "compact"
  | "cost"
  | "graph"
  | "decisions"
  | "permissions"
  | "undo"
  | "quit";

const SPECS: { name: CommandName; args?: string; help: string }[] = [
  { name: "help", args: "[command]", help: "List the commands, or explain one" },
  { name: "model", args: "<provider:model>", help: "Switch the model for the rest of the session" },
  { name: "architect", help: "Toggle architect mode (a planner model hands edits to an editor)" },
  { name: "history", help: "Show what was asked in this session" },
  { name: "sessions", help: "List saved sessions with dates, titles, models and costs" },
  { name: "resume", args: "<id>", help: "Continue a saved session" },
  { name: "clear", help: "Start a fresh conversation (the old one stays saved)" },
  { name: "compact", args: "[focus]", help: "Summarise the conversation to free context" },
  { name: "cost", help: "Show tokens and cost so far" },
  { name: "graph", help: "Show the decision graph's pulse and active goals" },
  { name: "decisions", args: "<query>", help: "Search the decision graph" },
  { name: "permissions", help: "Show the rules in effect and this session's grants" },
  { name: "undo", help: "Revert the last turn's file changes (ignored files: file tools only)" },
  { name: "quit", help: "Leave Loom (Ctrl-D or Ctrl-C twice also work)" },
];

/** A handler for one built-in command: how it runs, and optionally how its argument completes. */
export type CommandHandler<Ctx> = Pick<SlashCommand<Ctx>, "run" | "complete">;

/**
 * Loom's commands in help order. Commands without a handler fail with UNAVAILABLE; /help and
 * /quit have defaults that a handler may replace.
 */
export function defaultCommands<Ctx>(
  handlers: Partial<Record<CommandName, CommandHandler<Ctx>>> = {},
): SlashCommand<Ctx>[] {
  const commands: SlashCommand<Ctx>[] = SPECS.map((spec) => ({
    ...spec,
    complete: handlers[spec.name]?.complete,
    run: handlers[spec.name]?.run ?? ((_args: string) => {
      throw new LoomError(
        "UNAVAILABLE",
        `Cannot run "/${spec.name}": not available in this build yet`,
      );
    }),
  }));
  const help = commands.find((c) => c.name === "help")!;
  if (!handlers.help) {
    help.run = (args) => ({ text: formatHelp(commands, args || undefined) });
    help.complete = (prefix) => commands.map((c) => c.name).filter((n) => n.startsWith(prefix));
  }
  const quit = commands.find((c) => c.name === "quit")!;
  if (!handlers.quit) quit.run = () => ({ exit: true });
  return commands;
}
