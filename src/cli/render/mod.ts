// Terminal rendering: styles, streaming markdown, diffs, tool-call lines, spinner and usage.
export { createStyle, detectTerminal, stripAnsi } from "./ansi.ts";
export type { Style, TerminalInfo } from "./ansi.ts";
export { highlightLines, isKnownLanguage } from "./highlight.ts";
export { renderInline, renderLine, renderTable } from "./markdown_line.ts";
export { createMarkdownStream, renderMarkdown } from "./markdown_stream.ts";
export type { MarkdownStream } from "./markdown_stream.ts";
export { renderDiff } from "./diff.ts";
export { callSubject, errorReason, summarizeToolCall } from "./tool_summary.ts";
export type { ToolCallView, ToolSummary } from "./tool_summary.ts";
export {
  createSpinner,
  formatCost,
  formatDuration,
  formatTokens,
  formatUsage,
  spinnerFrame,
} from "./status.ts";
export type { Spinner } from "./status.ts";
