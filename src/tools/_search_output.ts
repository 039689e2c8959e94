import { cutText } from "../core/mod.ts";
import { byPath, type FileResult, type OutputMode } from "./_search_types.ts";

/** Cap on the text handed to the model. */
export const MAX_OUTPUT_CHARS = 30_000;
/** Longer lines are cut (minified files would flood the output). */
const MAX_LINE_CHARS = 400;

/**
 * Gathers results in path order with bounded memory: in content mode only the files that can
 * still be printed (the first `limit` match lines in path order) are kept; totals count all.
 */
export class ResultCollector {
  readonly mode: OutputMode;
  readonly limit: number;
  totalFiles = 0;
  totalMatches = 0;
  #kept: FileResult[] = [];
  #keptMatches = 0;

  constructor(mode: OutputMode, limit: number) {
    this.mode = mode;
    this.limit = limit;
  }

  /** Takes one file's results (in any order). */
  add(file: FileResult): void {
    this.totalFiles++;
    this.totalMatches += file.count;
    if (this.mode !== "content") {
      this.#kept.push(file);
      return;
    }
    const kept = this.#kept;
    const last = kept[kept.length - 1];
    if (this.#keptMatches >= this.limit && last !== undefined && file.path > last.path) return;
    let lo = 0;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (kept[mid].path < file.path) lo = mid + 1;
      else hi = mid;
    }
    kept.splice(lo, 0, file);
    this.#keptMatches += file.count;
    // Drop files that can no longer be printed: those past the first `limit` match lines.
    while (kept.length > 1 && this.#keptMatches - kept[kept.length - 1].count >= this.limit) {
      this.#keptMatches -= kept.pop()!.count;
    }
  }

  /** The kept files, sorted by path. */
  files(): FileResult[] {
    return this.mode === "content" ? this.#kept : this.#kept.sort(byPath);
  }
}

/** Formats collected results for the model; `lineNumbers` applies to content mode. */
export function formatResults(
  collector: ResultCollector,
  options: { lineNumbers: boolean; pattern: string },
): { text: string; shown: number } {
  const files = collector.files();
  const { limit, totalFiles, totalMatches } = collector;
  if (totalFiles === 0) return { text: `No matches for "${options.pattern}"`, shown: 0 };
  const out: string[] = [];
  let shown = 0;
  if (collector.mode === "files_with_matches") {
    for (const f of files.slice(0, limit)) out.push(f.path);
    shown = Math.min(limit, files.length);
    if (totalFiles > shown) out.push(moreNote(totalFiles - shown, "files"));
  } else if (collector.mode === "count") {
    for (const f of files.slice(0, limit)) out.push(`${f.path}:${f.count}`);
    shown = Math.min(limit, files.length);
    if (totalFiles > shown) out.push(moreNote(totalFiles - shown, "files"));
    out.push(`${totalMatches} matches in ${totalFiles} files`);
  } else {
    shown = formatContent(files, limit, options.lineNumbers, out);
    if (totalMatches > shown) {
      out.push(moreNote(totalMatches - shown, `matches (${totalFiles} files in all)`));
    }
  }
  return { text: capText(out.join("\n")), shown };
}

function formatContent(
  files: FileResult[],
  limit: number,
  lineNumbers: boolean,
  out: string[],
): number {
  let shown = 0;
  let previous: { path: string; n: number } | null = null;
  for (const file of files) {
    for (const line of file.lines) {
      if (line.match) {
        if (shown >= limit) return shown;
        shown++;
      }
      const adjacent = previous !== null && previous.path === file.path &&
        previous.n + 1 === line.n;
      if (previous !== null && !adjacent) out.push("--");
      const sep = line.match ? ":" : "-";
      const where = lineNumbers ? `${file.path}${sep}${line.n}${sep}` : `${file.path}${sep}`;
      out.push(where + clipLine(line.text));
      previous = { path: file.path, n: line.n };
    }
  }
  return shown;
}

function clipLine(text: string): string {
  const t = text.endsWith("\r") ? text.slice(0, -1) : text;
  if (t.length <= MAX_LINE_CHARS) return t;
  const kept = cutText(t, MAX_LINE_CHARS);
  return `${kept}… [${t.length - kept.length} more characters]`;
}

function moreNote(count: number, what: string): string {
  return `... and ${count} more ${what}; narrow the pattern or raise limit`;
}

/** Cuts text at a line boundary under MAX_OUTPUT_CHARS, saying so. */
export function capText(text: string): string {
  if (text.length <= MAX_OUTPUT_CHARS) return text;
  const cut = text.lastIndexOf("\n", MAX_OUTPUT_CHARS);
  const kept = cut === -1 ? cutText(text, MAX_OUTPUT_CHARS) : text.slice(0, cut);
  const dropped = text.length - kept.length;
  return `${kept}\n[output cut: ${dropped} more characters; narrow the search or lower limit]`;
}
