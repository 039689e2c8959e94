// One line per tool call (`● shell npm test → exit 0 (2.1s)`), with the full text kept aside so
// the REPL can expand it on request.
import stringWidth from "string-width";
import type { Style } from "./ansi.ts";
import { safeExact, safeText } from "./safe_text.ts";
import { formatDuration } from "./status.ts";

/** A tool call as the REPL saw it; `result` is absent while it runs. */
export interface ToolCallView {
  name: string;
  input: Record<string, unknown>;
  result?: { text: string; isError?: boolean; structured?: Record<string, unknown> };
  durationMs?: number;
}

/** The one-line summary and the full text behind it. */
export interface ToolSummary {
  line: string;
  detail: string;
}

const str = (v: unknown): string | undefined => typeof v === "string" ? v : undefined;
const num = (v: unknown): number | undefined => typeof v === "number" ? v : undefined;
const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;

/** The call's subject: a path, a command, a pattern, or the first string argument. */
export function callSubject(name: string, input: Record<string, unknown>): string {
  switch (name) {
    case "shell":
      return str(input.command)?.split("\n")[0] ?? "";
    case "git": {
      const extra = str(input.ref) ?? str(input.path) ?? str(input.name) ?? "";
      return [str(input.operation) ?? "", extra].filter(Boolean).join(" ");
    }
    case "file_search":
    case "content_search": {
      const p = Array.isArray(input.pattern) ? input.pattern.join(", ") : str(input.pattern);
      return p === undefined ? "" : JSON.stringify(p);
    }
    case "directory_list":
      return str(input.path) ?? ".";
  }
  const first = str(input.path) ?? str(input.file_path) ??
    Object.values(input).find((v): v is string => typeof v === "string");
  return first?.split("\n")[0] ?? "";
}

/** The outcome in a few words, from the structured result when the tool gave one. */
function outcome(call: ToolCallView): string {
  const s = call.result?.structured ?? {};
  const time = call.durationMs === undefined ? "" : ` (${formatDuration(call.durationMs)})`;
  switch (call.name) {
    case "shell": {
      const ms = num(s.durationMs) ?? call.durationMs;
      const t = ms === undefined ? "" : ` (${formatDuration(ms)})`;
      if (s.timedOut === true) return ` → timed out${t}`;
      const code = num(s.exitCode);
      return code === undefined ? time : ` → exit ${code}${t}`;
    }
    case "file_read": {
      const total = num(s.totalLines);
      if (total === undefined) return "";
      const start = num(s.startLine), end = num(s.endLine);
      return s.truncated === true || (start !== undefined && start > 1)
        ? ` (lines ${start}-${end} of ${total})`
        : ` (${plural(total, "line")})`;
    }
    case "file_write":
    case "file_edit": {
      if (s.changed === false) return " (no change)";
      if (s.created === true) return ` (created, ${plural(num(s.lines) ?? 0, "line")})`;
      const a = num(s.added), r = num(s.removed);
      return a === undefined || r === undefined ? "" : ` (+${a} −${r})`;
    }
    case "file_search":
      return num(s.total) === undefined ? "" : ` (${plural(num(s.total)!, "file")})`;
    case "content_search": {
      const m = num(s.matches), f = num(s.files);
      return m === undefined || f === undefined
        ? ""
        : ` (${plural(m, "match", "matches")} in ${plural(f, "file")})`;
    }
    case "directory_list":
      return num(s.entries) === undefined
        ? ""
        : ` (${plural(num(s.entries)!, "entry", "entries")})`;
  }
  return time;
}

/** The reason part of a LoomError message: `Cannot edit "x": <why>; <hint>` → `<why>`. */
export function errorReason(text: string): string {
  const first = text.trim().split("\n")[0];
  const m = /^Cannot [^"]*"[^"]*":\s*(.*)$/.exec(first);
  return (m ? m[1] : first).split("; ")[0];
}

function fit(text: string, width: number): string {
  if (stringWidth(text) <= width) return text;
  let out = "";
  for (const ch of text) {
    if (stringWidth(out + ch) > width - 1) break;
    out += ch;
  }
  return `${out}…`;
}

/**
 * Summarises a call for the transcript: `● file_read src/app.ts (120 lines)` on success,
 * `✗ file_edit src/x.ts: old_string matches 3 times` on failure, `○ shell npm test` while it
 * runs. The line fits in `width` columns; `detail` keeps the whole result text (unsanitised).
 * The name and subject are shown exactly (invisible characters made visible, see safeExact).
 */
export function summarizeToolCall(call: ToolCallView, style: Style, width = 80): ToolSummary {
  const exact = (text: string) => safeExact(text, { oneLine: true });
  const subject = exact(callSubject(call.name, call.input));
  const name = exact(call.name);
  const head = subject === "" ? name : `${name} ${subject}`;
  const detail = call.result?.text ?? "";
  if (call.result === undefined) {
    return { line: `${style.gray("○")} ${fit(head, width - 2)}`, detail };
  }
  if (call.result.isError) {
    const reason = safeText(errorReason(call.result.text), { oneLine: true });
    const body = fit(`${head}: ${reason}`, width - 2);
    return { line: `${style.red("✗")} ${body}`, detail };
  }
  const tail = outcome(call);
  const body = fit(head, Math.max(10, width - 2 - stringWidth(tail))) + style.gray(tail);
  return { line: `${style.green("●")} ${body}`, detail };
}
