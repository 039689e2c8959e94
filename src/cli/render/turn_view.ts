// One agent turn on a terminal: streaming markdown, a spinner while waiting, a line per tool call
// (with a coloured diff for edits), and the tokens and cost when the answer is done.
import type { AgentEvent } from "../../agent/mod.ts";
import type { Usage } from "../../core/mod.ts";
import type { Style, TerminalInfo } from "./ansi.ts";
import { renderDiff } from "./diff.ts";
import { createMarkdownStream, type MarkdownStream } from "./markdown_stream.ts";
import { safeExact, safeText } from "./safe_text.ts";
import { formatCost, formatDuration, formatUsage, type Spinner, stopNote } from "./status.ts";
import { summarizeToolCall, type ToolCallView } from "./tool_summary.ts";

/** Lines of a diff shown inline; the rest is behind /expand. */
const DIFF_LINES = 40;

/** What the view draws with. */
export interface TurnViewOptions {
  write: (text: string) => void;
  terminal: TerminalInfo;
  style: Style;
  spinner: Spinner;
  /** The diff of the write a file tool just made (by the path it was given), if any. */
  diffOf?: (path: string) => string | undefined;
  now?: () => number;
  /** The number the first tool call is shown with (`/expand N` counts across the session). */
  firstCallNumber?: number;
}

/** A turn's renderer; tool calls are kept for `/expand`. */
export interface TurnView {
  handle(event: AgentEvent): void;
  /** Stops the spinner and finishes any partial line (before a question is asked). */
  pause(): void;
  /** Every tool call shown in this view, oldest first. */
  readonly calls: readonly ToolCallView[];
}

const ZERO: Usage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };

// Model text, tool output and error messages are untrusted: each is sanitised before it is styled
// (the markdown stream, the tool summary and the diff do so themselves).
const ONE_LINE = { oneLine: true };
const oneLine = (text: string) => safeText(text, ONE_LINE);

/** Creates a view that renders events as they come. */
export function createTurnView(options: TurnViewOptions): TurnView {
  const { write, style, spinner, terminal } = options;
  const now = options.now ?? (() => performance.now());
  const calls: ToolCallView[] = [];
  const running = new Map<string, ToolCallView>();
  let markdown: MarkdownStream | undefined;
  let started = now();
  let usage = ZERO;
  let cost = 0;
  let sessionCost = 0;
  /** A tool line was the last thing written: text that follows gets a blank line first. */
  let afterTool = false;

  const endText = () => {
    markdown?.end();
    markdown = undefined;
  };
  const line = (text: string) => {
    spinner.stop();
    endText();
    write(`${text}\n`);
  };
  const waiting = (label: string) => {
    if (!spinner.running) spinner.start(label);
    else spinner.update(label);
  };

  const showDiff = (call: ToolCallView) => {
    const path = typeof call.input.path === "string" ? call.input.path : undefined;
    const diff = path ? options.diffOf?.(path) : undefined;
    if (!diff) return;
    const lines = diff.replace(/\n$/, "").split("\n").filter((l) => !/^=+$|^Index: /.test(l))
      .map((l) => l.replace(/\t$/, ""));
    const shown = lines.slice(0, DIFF_LINES);
    write(`${renderDiff(shown.join("\n"), style)}\n`);
    if (lines.length > shown.length) {
      write(`${style.gray(`  … ${lines.length - shown.length} more lines`)}\n`);
    }
  };

  return {
    calls,
    pause() {
      spinner.stop();
      endText();
    },
    handle(event) {
      switch (event.type) {
        case "session":
          started = now();
          usage = ZERO;
          cost = 0;
          return;
        case "step":
          if (!markdown) waiting(event.role === "main" ? "Thinking" : `Thinking (${event.role})`);
          return;
        case "text-delta":
          spinner.stop();
          if (afterTool) write("\n");
          afterTool = false;
          markdown ??= createMarkdownStream(terminal, write);
          markdown.push(event.text);
          return;
        case "retry":
          spinner.stop();
          endText();
          waiting(`Retrying (attempt ${event.attempt}): ${oneLine(event.reason)}`);
          return;
        case "tool-start": {
          endText();
          const call: ToolCallView = { name: event.name, input: event.input };
          running.set(event.id, call);
          const summary = summarizeToolCall(call, style, terminal.columns - 12);
          spinner.stop();
          waiting(summary.line.replace(/^\S+ /, ""));
          return;
        }
        case "tool-progress":
          if (event.update.message) {
            waiting(`${safeExact(event.name, ONE_LINE)}: ${oneLine(event.update.message)}`);
          }
          return;
        case "tool-end": {
          const call = running.get(event.id) ?? { name: event.name, input: {} };
          running.delete(event.id);
          call.result = event.outcome;
          call.durationMs = event.durationMs;
          calls.push(call);
          const summary = summarizeToolCall(call, style, terminal.columns - 8);
          const number = (options.firstCallNumber ?? 1) + calls.length - 1;
          line(`${summary.line} ${style.gray(`[${number}]`)}`);
          if (!event.outcome.isError) showDiff(call);
          afterTool = true;
          return;
        }
        case "usage":
          usage = {
            input: usage.input + event.usage.input,
            output: usage.output + event.usage.output,
            cacheRead: usage.cacheRead + event.usage.cacheRead,
            cacheWrite: usage.cacheWrite + event.usage.cacheWrite,
          };
          cost += event.costUsd;
          sessionCost = event.sessionCostUsd;
          return;
        case "compaction":
          line(style.gray(
            `Compacted ${event.summarised} messages: ${event.tokensBefore} → ${event.tokensAfter} tokens`,
          ));
          return;
        case "truncated":
          line(style.gray(`  (output cut to ${event.keptTokens} of ${event.tokens} tokens)`));
          return;
        case "error":
          if (event.error.code === "CANCELLED") return;
          line(style.red(safeText(event.error.message)));
          return;
        case "final": {
          spinner.stop();
          endText();
          const note = stopNote(event.reason);
          if (event.reason === "cancelled") {
            write(`${style.yellow("Cancelled")}; the session continues\n`);
          } else if (note) {
            write(`${style.yellow(note[0])}: ${note[1]}\n`);
          }
          const session = sessionCost > cost ? ` (session ${formatCost(sessionCost)})` : "";
          write(
            `${
              style.gray(
                `${formatUsage(usage, cost)}${session} · ${formatDuration(now() - started)}`,
              )
            }\n`,
          );
          return;
        }
        default:
          return;
      }
    },
  };
}
