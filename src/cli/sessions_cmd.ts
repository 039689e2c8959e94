// `loom sessions [list|show ID|rm ID]`: saved sessions with dates, titles, models and costs.
import type { SessionInfo, SessionStore } from "../agent/mod.ts";
import { LoomError } from "../core/mod.ts";
import type { ImagePart, TextPart, ToolResultPart, ToolUsePart } from "../core/mod.ts";
import { safeText } from "./render/safe_text.ts";
import { formatCost, formatTokens } from "./render/status.ts";

// Titles are written by the model and messages hold model and tool text: control characters in
// them are shown, not sent to the terminal (see safeText). JSON output stays as stored.
const oneLine = (text: string) => safeText(text, { oneLine: true });

/** `2025-01-02 10:00` in UTC. */
function when(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace("T", " ");
}

/** One row per session: id prefix, last activity, model, cost, title. */
export function renderSessionList(store: SessionStore, sessions: SessionInfo[]): string {
  if (sessions.length === 0) return "No sessions yet; start one with 'loom'\n";
  const rows = sessions.map((s) => {
    const cost = store.costs(s.id).total.costUsd;
    return [
      s.id.slice(0, 8),
      when(s.updatedAt),
      oneLine(s.model),
      formatCost(cost),
      oneLine(s.title ?? "(untitled)"),
    ];
  });
  const head = ["ID", "UPDATED (UTC)", "MODEL", "COST", "TITLE"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join("  ");
  return [line(head), ...rows.map(line)].join("\n") + "\n";
}

function partText(part: TextPart | ImagePart | ToolUsePart | ToolResultPart): string {
  switch (part.type) {
    case "text":
      return part.text;
    case "tool_use":
      return `[tool ${part.name} ${JSON.stringify(part.input)}]`;
    case "tool_result":
      return `[result${part.isError ? " (error)" : ""}] ${part.content.split("\n")[0]}`;
    case "image":
      return "[image]";
  }
}

/** A session: facts, costs by model, then its conversation as it stands. */
export function renderSession(store: SessionStore, session: SessionInfo): string {
  const costs = store.costs(session.id);
  const t = costs.total;
  const lines = [
    `Session ${session.id}`,
    `  title    ${oneLine(session.title ?? "(untitled)")}`,
    `  model    ${oneLine(session.model)}`,
    `  created  ${when(session.createdAt)} UTC; updated ${when(session.updatedAt)} UTC`,
    ...(session.parentId ? [`  forked from ${session.parentId}`] : []),
    `  cost     ${formatCost(t.costUsd)} (${
      formatTokens(t.input + t.cacheRead + t.cacheWrite)
    } in, ${formatTokens(t.output)} out, ${t.calls} calls)`,
  ];
  for (const [model, c] of Object.entries(costs.byModel)) {
    lines.push(`           ${oneLine(model)}: ${formatCost(c.costUsd)} (${c.calls} calls)`);
  }
  lines.push("");
  for (const stored of store.live(session.id)) {
    const m = stored.message;
    const text = typeof m.content === "string"
      ? m.content
      : (m.content as (TextPart | ImagePart | ToolUsePart | ToolResultPart)[]).map(partText)
        .join("\n");
    lines.push(`${m.role}${stored.summary ? " (summary)" : ""}:`);
    lines.push(...text.split("\n").map((l) => `  ${l}`));
  }
  return safeText(lines.join("\n") + "\n");
}

/** Runs `loom sessions ...` against a store; returns the exit code. */
export function runSessionsCommand(
  store: SessionStore,
  positionals: string[],
  io: { out: (text: string) => void; json: boolean },
): number {
  const [sub = "list", id, ...extra] = positionals;
  const needId = (verb: string) => {
    if (!id || extra.length > 0) {
      throw new LoomError("USAGE", `Cannot ${verb} a session: expected 'loom sessions ${sub} ID'`);
    }
    return store.get(id);
  };
  switch (sub) {
    case "list":
    case "ls": {
      const sessions = store.list({ limit: 100 });
      if (io.json) {
        const rows = sessions.map((s) => ({
          id: s.id,
          title: s.title,
          model: s.model,
          createdAt: new Date(s.createdAt).toISOString(),
          updatedAt: new Date(s.updatedAt).toISOString(),
          costUsd: store.costs(s.id).total.costUsd,
        }));
        io.out(JSON.stringify(rows, null, 2) + "\n");
      } else io.out(renderSessionList(store, sessions));
      return 0;
    }
    case "show": {
      const session = needId("show");
      if (io.json) {
        const messages = store.live(session.id).map((m) => m.message);
        const costs = store.costs(session.id);
        io.out(JSON.stringify({ ...session, costs, messages }, null, 2) + "\n");
      } else io.out(renderSession(store, session));
      return 0;
    }
    case "rm":
    case "remove": {
      const session = needId("remove");
      store.remove(session.id);
      const title = session.title ? ` "${oneLine(session.title)}"` : "";
      io.out(`Removed session ${session.id}${title}\n`);
      return 0;
    }
    default:
      throw new LoomError(
        "USAGE",
        `Cannot run "loom sessions ${sub}": expected list, show ID or rm ID`,
      );
  }
}
