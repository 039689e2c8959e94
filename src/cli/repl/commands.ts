// Slash commands: a registry of { name, args, help, run }, parsing, completion, and a nearest
// match for typos. Loom's own commands are declared in default_commands.ts.
import { distance } from "fastest-levenshtein";
import { LoomError } from "../../core/mod.ts";
import type { Completer } from "./editor.ts";

/** What a command asks the REPL to do afterwards. */
export interface CommandResult {
  /** Text to print (markdown). */
  text?: string;
  /** Leave the REPL. */
  exit?: boolean;
}

/** One slash command. `Ctx` is whatever the REPL hands its commands (session, agent, …). */
export interface SlashCommand<Ctx> {
  /** The name without the slash: `model`. */
  name: string;
  /** Usage of the arguments, for help: `<provider:model>`; absent when it takes none. */
  args?: string;
  help: string;
  /** Candidates for the argument being typed. */
  complete?(prefix: string, ctx: Ctx): string[];
  run(args: string, ctx: Ctx): Promise<CommandResult | void> | CommandResult | void;
}

/** `/model anthropic:x` → `{ name: "model", args: "anthropic:x" }`; not a command → undefined. */
export function parseSlashCommand(line: string): { name: string; args: string } | undefined {
  const m = /^\s*\/([A-Za-z][\w-]*)(?:\s+([\s\S]*))?$/.exec(line);
  return m ? { name: m[1].toLowerCase(), args: (m[2] ?? "").trim() } : undefined;
}

/** The known name nearest to `name` (a unique prefix, or a small edit distance), if any. */
export function suggestCommand(name: string, names: readonly string[]): string | undefined {
  const prefixed = names.filter((n) => n.startsWith(name));
  if (name !== "" && prefixed.length === 1) return prefixed[0];
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const n of names) {
    const d = distance(name, n);
    if (d < bestDistance) [best, bestDistance] = [n, d];
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** A set of commands with lookup, dispatch and completion. */
export interface CommandRegistry<Ctx> {
  list(): readonly SlashCommand<Ctx>[];
  get(name: string): SlashCommand<Ctx> | undefined;
  /** Runs a `/command args` line; throws LoomError USAGE for an unknown command. */
  run(line: string, ctx: Ctx): Promise<CommandResult>;
  /** A line-editor completer for command names and their arguments. */
  completer(ctx: Ctx): Completer;
}

/** Builds a registry; names must be unique (a duplicate is a programming bug). */
export function createCommandRegistry<Ctx>(
  commands: readonly SlashCommand<Ctx>[],
): CommandRegistry<Ctx> {
  const byName = new Map<string, SlashCommand<Ctx>>();
  for (const c of commands) {
    if (byName.has(c.name)) throw new Error(`duplicate slash command /${c.name}`);
    byName.set(c.name, c);
  }
  const names = [...byName.keys()];

  return {
    list: () => commands,
    get: (name) => byName.get(name),
    async run(line, ctx) {
      const parsed = parseSlashCommand(line);
      if (!parsed) throw new Error(`not a slash command: ${line}`);
      const command = byName.get(parsed.name);
      if (!command) {
        const near = suggestCommand(parsed.name, names);
        const hint = near ? `did you mean /${near}?` : "type /help to list the commands";
        throw new LoomError("USAGE", `Cannot run "/${parsed.name}": no such command; ${hint}`);
      }
      return (await command.run(parsed.args, ctx)) ?? {};
    },
    completer(ctx) {
      return (text, cursor) => {
        const before = text.slice(0, cursor);
        const nameOnly = /^\/([\w-]*)$/.exec(before);
        if (nameOnly) {
          const candidates = names.filter((n) => n.startsWith(nameOnly[1])).map((n) => `/${n}`);
          return { from: 0, candidates };
        }
        const withArgs = /^\/([\w-]+)\s+(?:.*\s)?(\S*)$/.exec(before);
        const command = withArgs ? byName.get(withArgs[1]) : undefined;
        if (!withArgs || !command?.complete) return { from: cursor, candidates: [] };
        const prefix = withArgs[2];
        const candidates = command.complete(prefix, ctx).filter((c) => c.startsWith(prefix));
        return { from: cursor - prefix.length, candidates };
      };
    },
  };
}

/** Help text for a registry: one line per command, or the usage of one. */
export function formatHelp<Ctx>(commands: readonly SlashCommand<Ctx>[], name?: string): string {
  const usage = (c: SlashCommand<Ctx>) => `/${c.name}${c.args ? ` ${c.args}` : ""}`;
  if (name) {
    const c = commands.find((x) => x.name === name.replace(/^\//, ""));
    if (!c) {
      const near = suggestCommand(name.replace(/^\//, ""), commands.map((x) => x.name));
      const hint = near ? `did you mean /${near}?` : "type /help to list the commands";
      throw new LoomError(
        "USAGE",
        `Cannot explain "/${name.replace(/^\//, "")}": no such command; ${hint}`,
      );
    }
    return `\`${usage(c)}\`: ${c.help}`;
  }
  const width = Math.max(...commands.map((c) => usage(c).length));
  return commands.map((c) => `  ${usage(c).padEnd(width)}  ${c.help}`).join("\n");
}
