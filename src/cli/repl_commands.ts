// The REPL's slash commands wired to the agent, the graph, the permission rules and checkpoints.
import { collectRules } from "../permissions/mod.ts";
import { computePulse, listNodes, renderPulse } from "../graph/mod.ts";
import { LoomError } from "../core/mod.ts";
import { catalogIds } from "../llm/mod.ts";
import type { AgentSetup } from "./_agent_setup.ts";
import { nodeLine } from "./_graph_render.ts";
import { renderSessionList } from "./sessions_cmd.ts";
import { formatCost, formatUsage } from "./render/status.ts";
import type { ToolCallView } from "./render/tool_summary.ts";
import { createCommandRegistry, type SlashCommand } from "./repl/commands.ts";
import { type CommandHandler, type CommandName, defaultCommands } from "./repl/default_commands.ts";
import type { CommandRegistry } from "./repl/commands.ts";

/** What the commands act on; the REPL owns it and reads it back after each command. */
export interface ReplState {
  setup: AgentSetup;
  architect: boolean;
  /** Every tool call shown so far, for /expand. */
  calls: ToolCallView[];
  /** Told to the model with the next message (e.g. what /undo put back). */
  notes: string[];
}

function conversationSummary(state: ReplState): string {
  const asked = state.setup.agent.messages().flatMap((m) =>
    m.role === "user" && typeof m.content === "string" && !m.content.startsWith("[Loom ")
      ? [m.content]
      : []
  );
  if (asked.length === 0) return "Nothing asked yet in this session";
  return asked.map((text, i) => `${String(i + 1).padStart(3)}. ${text.split("\n")[0]}`).join(
    "\n",
  );
}

function permissionsText(state: ReplState): string {
  const { config, host, grants } = state.setup;
  const set = collectRules(config.permissions, host.context.rules, {
    trusted: host.context.trusted,
    configSource: ".loom.toml",
  });
  const lines = ["Rules in effect (deny beats ask beats allow):"];
  if (set.rules.length === 0) lines.push("  (none: reads are allowed, changes and commands ask)");
  for (const rule of set.rules) {
    lines.push(`  ${rule.action.padEnd(5)} ${rule.text}  (${rule.source})`);
  }
  for (const e of set.errors) lines.push(`  ignored: ${e.message} (${e.source})`);
  if (config.permissions.auto_approve) lines.push("  --yes: calls that would ask are approved");
  // `host.context.trusted` is false whenever nobody ran `loom trust`, even with nothing to trust.
  const waiting = state.setup.opened.loaded.trust;
  if (!waiting.trusted) {
    lines.push(
      `  ${waiting.pending.length} rule(s) wait for trust: see 'loom trust --status', then run 'loom trust'`,
    );
  }
  lines.push("", "Granted for this session:");
  if (grants.length === 0) lines.push("  (none)");
  for (const g of grants) lines.push(`  ${g.tool}: ${g.what}`);
  return lines.join("\n");
}

function costText(state: ReplState): string {
  const costs = state.setup.agent.costs();
  if (!costs || costs.total.calls === 0) return "No model calls yet in this session";
  const lines = [
    `Session: ${formatUsage(costs.total, costs.total.costUsd)} in ${costs.total.calls} calls`,
  ];
  for (const [model, c] of Object.entries(costs.byModel)) {
    lines.push(`  ${model}: ${formatUsage(c, c.costUsd)}`);
  }
  for (const [role, c] of Object.entries(costs.byRole)) {
    lines.push(
      `  as ${role}: ${formatCost(c.costUsd)} (${c.calls} ${c.calls === 1 ? "call" : "calls"})`,
    );
  }
  return lines.join("\n");
}

function handlers(): Partial<Record<CommandName, CommandHandler<ReplState>>> {
  return {
    model: {
      complete: (prefix) => catalogIds().filter((id) => id.startsWith(prefix)),
      async run(args, state) {
        if (!args) return { text: `Model: ${state.setup.modelId}` };
        await state.setup.reopen({ modelId: args, resume: state.setup.agent.sessionId });
        return { text: `Model: ${state.setup.modelId} (for the rest of this session)` };
      },
    },
    architect: {
      run(_args, state) {
        state.architect = !state.architect;
        return {
          text: state.architect
            ? "Architect mode on: a planner model hands its plan to an editor model"
            : "Architect mode off",
        };
      },
    },
    history: { run: (_args, state) => ({ text: conversationSummary(state) }) },
    sessions: {
      run: (_args, state) => ({
        text: renderSessionList(
          state.setup.agent.store,
          state.setup.agent.store.list({ limit: 20 }),
        )
          .trimEnd(),
      }),
    },
    resume: {
      complete: (prefix, state) =>
        state.setup.agent.store.list({ limit: 20 }).map((s) => s.id).filter((id) =>
          id.startsWith(prefix)
        ),
      async run(args, state) {
        if (!args) {
          throw new LoomError("USAGE", `Cannot resume: expected "/resume ID"; see /sessions`);
        }
        const agent = await state.setup.reopen({ resume: args });
        const title = agent.session()?.title ?? "(untitled)";
        return {
          text: `Resumed ${agent.sessionId} "${title}" (${agent.messages().length} messages)`,
        };
      },
    },
    clear: {
      async run(_args, state) {
        await state.setup.reopen({});
        return { text: "New conversation (the previous one stays saved; /sessions lists it)" };
      },
    },
    compact: {
      async run(_args, state) {
        const result = await state.setup.agent.compact();
        if (!result) return { text: "Nothing to compact yet" };
        return {
          text:
            `Compacted ${result.summarised} messages: ${result.tokensBefore} → ${result.tokensAfter} tokens` +
            (result.observations ? `; ${result.observations} facts kept in the graph` : ""),
        };
      },
    },
    cost: { run: (_args, state) => ({ text: costText(state) }) },
    graph: {
      run: (_args, state) => ({
        text: renderPulse(
          computePulse(state.setup.agent.graph, { staleDays: state.setup.config.graph.stale_days }),
        ).trimEnd(),
      }),
    },
    decisions: {
      run(args, state) {
        if (!args) {
          throw new LoomError("USAGE", `Cannot search decisions: expected "/decisions WORDS"`);
        }
        const nodes = listNodes(state.setup.agent.graph, { search: args, limit: 20 });
        if (nodes.length === 0) return { text: `No decisions match "${args}"` };
        return { text: nodes.map(nodeLine).join("\n") };
      },
    },
    permissions: { run: (_args, state) => ({ text: permissionsText(state) }) },
    undo: {
      async run(_args, state) {
        const result = await state.setup.checkpoints.undo(state.setup.host.context);
        if ("none" in result) {
          const why = result.why ? ` (${result.why}: shell and git changes are not tracked)` : "";
          return { text: `Nothing to undo: no earlier turn changed a file${why}` };
        }
        const parts = [
          ...result.restored.map((p) => `restored ${p}`),
          ...result.removed.map((p) => `removed ${p}`),
        ];
        if (parts.length > 0) {
          state.notes.push(
            `[Loom: the user ran /undo, reverting your last turn's file changes (${
              listed(parts, 50, "; ")
            }). Read files again before editing them.]`,
          );
        }
        const lines = [`Undone: ${parts.length > 0 ? listed(parts, 20, ", ") : "nothing"}`];
        if (result.failed.length > 0) {
          lines.push(`Could not put back: ${listed(result.failed, 20, ", ")}`);
        }
        lines.push(...result.notes);
        return { text: lines.join("\n") };
      },
    },
  };
}

/** The first `max` items joined, and how many more there are. */
function listed(items: string[], max: number, separator: string): string {
  const shown = items.slice(0, max).join(separator);
  return items.length > max ? `${shown}${separator}and ${items.length - max} more` : shown;
}

const expand: SlashCommand<ReplState> = {
  name: "expand",
  args: "[n]",
  help: "Show the whole output of tool call n (default: the last one)",
  run(args, state) {
    if (state.calls.length === 0) return { text: "No tool calls yet" };
    const n = args ? Number(args) : state.calls.length;
    const call = Number.isInteger(n) ? state.calls[n - 1] : undefined;
    if (!call) {
      throw new LoomError(
        "USAGE",
        `Cannot expand "${args}": expected a call number from 1 to ${state.calls.length}`,
      );
    }
    const head = `[${n}] ${call.name} ${JSON.stringify(call.input)}`;
    return { text: `${head}\n${call.result?.text ?? "(still running)"}` };
  },
};

/** The REPL's command registry: Loom's commands plus /expand. */
export function createReplCommands(): CommandRegistry<ReplState> {
  const commands = defaultCommands<ReplState>(handlers());
  commands.splice(commands.length - 1, 0, expand);
  return createCommandRegistry(commands);
}
