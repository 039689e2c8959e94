import { join } from "node:path";
import { LoomError, type ProgressUpdate } from "../core/mod.ts";
import { createCatalog } from "../workspace/mod.ts";
import { compileSearchRegex, type RegexMatch, type SearchRegex } from "./_regex.ts";
import { loadGlobEngine, needsRe2 } from "../workspace/glob.ts";
import { createPathFilter, type FileResult, type ResultLine } from "./_search_types.ts";
import type { ResultSink, SearchQuery } from "./_search_types.ts";

/** What a search engine gets from its caller. */
export interface EngineContext {
  root: string;
  isReadDenied: (rel: string) => boolean;
  signal: AbortSignal;
  onProgress?: (update: ProgressUpdate) => void;
}

const PROGRESS_EVERY_FILES = 2000;
const decoder = new TextDecoder();

/**
 * The built-in engine: a regex (see compileSearchRegex: never one that can backtrack without
 * bound) over the catalog, in the same order-free way as rg (the caller sorts). Skips binary files (any NUL byte) and, like rg without `-L`, symlinks.
 */
export async function searchBuiltin(
  query: SearchQuery,
  ctx: EngineContext,
  sink: ResultSink,
): Promise<void> {
  const re = compileSearchRegex(query.pattern, query);
  if (!query.startIsDir) {
    const result = searchFile(join(ctx.root, query.startRel), query.startRel, re, query);
    if (result !== null) sink(result);
    return;
  }
  if ([...query.globs, ...query.typeGlobs].some(needsRe2)) await loadGlobEngine();
  const filter = createPathFilter(query.globs, query.typeGlobs);
  const catalog = createCatalog(ctx.root, {
    includeHidden: query.includeHidden,
    isDenied: ctx.isReadDenied,
    followSymlinks: false,
    keepDir: filter.dir,
  });
  let scanned = 0;
  for await (const batch of catalog.walkBatches(query.startRel, { signal: ctx.signal })) {
    for (const entry of batch) {
      if (!filter.file(entry.rel)) continue;
      const result = searchFile(entry.abs, entry.rel, re, query);
      if (result !== null) sink(result);
      if (++scanned % PROGRESS_EVERY_FILES === 0) {
        if (ctx.signal.aborted) throw cancelled(query.pattern);
        ctx.onProgress?.({ progress: scanned, message: `${scanned} files searched` });
      }
    }
  }
  if (ctx.signal.aborted) throw cancelled(query.pattern);
}

/** One buffer reused for every small file: fewer allocations, a lower peak RSS. */
const shared = new Uint8Array(256 * 1024);

/**
 * Searches one regular file: the catalog lists only regular files, and content_search refuses a
 * path that names a FIFO or a device before it gets here.
 */
function searchFile(
  abs: string,
  rel: string,
  re: SearchRegex,
  query: SearchQuery,
): FileResult | null {
  let bytes: Uint8Array;
  try {
    bytes = readSmall(abs) ?? Deno.readFileSync(abs);
  } catch {
    return null; // Vanished or unreadable, as rg skips it.
  }
  if (bytes.indexOf(0) !== -1) return null;
  const text = decoder.decode(bytes);
  return searchText(rel, text, re, query);
}

/** Reads a file into the shared buffer; null when it does not fit. */
function readSmall(abs: string): Uint8Array | null {
  using file = Deno.openSync(abs);
  let length = 0;
  while (length < shared.length) {
    const n = file.readSync(shared.subarray(length));
    if (n === null) return shared.subarray(0, length);
    length += n;
  }
  return null;
}

/** Finds the matching lines of one file's text; null when nothing matches. */
export function searchText(
  path: string,
  text: string,
  re: SearchRegex,
  query: Pick<SearchQuery, "multiline" | "mode" | "before" | "after">,
): FileResult | null {
  if (!re.test(text)) return null;
  if (query.mode === "files_with_matches") {
    return hasMatch(text, re, query.multiline) ? { path, count: 1, lines: [] } : null;
  }
  const ranges = query.multiline ? multilineRanges(text, re) : lineRanges(text, re);
  if (ranges.length === 0) return null;
  if (query.mode !== "content") return { path, count: ranges.length, lines: [] };
  return { path, count: ranges.length, lines: withContext(text, ranges, query) };
}

type Range = [first: number, last: number];

/** The first offset past the last line (a trailing newline ends the last line). */
function endOfLines(text: string): number {
  if (text.length === 0) return 0;
  return text.endsWith("\n") ? text.length : text.length + 1;
}

/** True when some line matches (or, multiline, some match starts within the lines). */
function hasMatch(text: string, re: SearchRegex, multiline: boolean): boolean {
  const m = re.find(text, 0);
  if (m === null || m.start >= endOfLines(text)) return false;
  if (multiline || !spansLines(text, m)) return true;
  return lineRangesSlow(text, re).length > 0;
}

/** True when the match takes in a line feed. */
function spansLines(text: string, m: RegexMatch): boolean {
  const nl = text.indexOf("\n", m.start);
  return nl !== -1 && nl < m.end;
}

/** Matching lines, one range each; falls back to line by line when a match spans lines. */
function lineRanges(text: string, re: SearchRegex): Range[] {
  const end = endOfLines(text);
  const ranges: Range[] = [];
  let line = 1;
  let lineStart = 0;
  for (let m = re.find(text, 0); m !== null;) {
    const at = m.start;
    if (at >= end) break;
    const next = text.indexOf("\n", at);
    if (next !== -1 && next < m.end) return lineRangesSlow(text, re);
    for (
      let nl = text.indexOf("\n", lineStart);
      nl !== -1 && nl < at;
      nl = text.indexOf("\n", lineStart)
    ) {
      line++;
      lineStart = nl + 1;
    }
    ranges.push([line, line]);
    if (next === -1) break;
    m = re.find(text, next + 1);
  }
  return ranges;
}

function lineRangesSlow(text: string, re: SearchRegex): Range[] {
  const ranges: Range[] = [];
  splitLines(text).forEach((line, i) => {
    if (re.test(line)) ranges.push([i + 1, i + 1]);
  });
  return ranges;
}

/**
 * Matches over the whole text, each widened to whole lines; ranges that share or touch a line
 * merge into one (rg's multiline counting: consecutive matching lines count once).
 */
function multilineRanges(text: string, re: SearchRegex): Range[] {
  const end = endOfLines(text);
  const breaks: number[] = [];
  for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", nl + 1)) breaks.push(nl);
  const lineOf = (offset: number) => {
    let lo = 0;
    let hi = breaks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (breaks[mid] < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
  const ranges: Range[] = [];
  for (let m = re.find(text, 0); m !== null; m = re.find(text, Math.max(m.end, m.start + 1))) {
    const at = m.start;
    if (at >= end) break;
    const first = lineOf(at);
    const last = lineOf(Math.max(at, m.end - 1));
    const prev = ranges[ranges.length - 1];
    if (prev !== undefined && first <= prev[1] + 1) prev[1] = Math.max(prev[1], last);
    else ranges.push([first, last]);
  }
  return ranges;
}

function withContext(
  text: string,
  ranges: Range[],
  query: Pick<SearchQuery, "before" | "after">,
): ResultLine[] {
  const lines = splitLines(text);
  const out: ResultLine[] = [];
  let printed = 0; // Highest line number already emitted.
  for (let r = 0; r < ranges.length; r++) {
    const [first, last] = ranges[r];
    const nextFirst = r + 1 < ranges.length ? ranges[r + 1][0] : Infinity;
    const from = Math.max(printed + 1, first - query.before, 1);
    for (let n = from; n < first; n++) out.push({ n, text: lines[n - 1], match: false });
    for (let n = Math.max(first, printed + 1); n <= last; n++) {
      out.push({ n, text: lines[n - 1], match: true });
    }
    printed = Math.max(printed, last);
    // Context after stops at the next match, which the next range prints as a match.
    const to = Math.min(last + query.after, lines.length, nextFirst - 1);
    for (let n = printed + 1; n <= to; n++) {
      out.push({ n, text: lines[n - 1], match: false });
      printed = n;
    }
  }
  return out;
}

function splitLines(text: string): string[] {
  const lines = text.split("\n");
  if (text.endsWith("\n")) lines.pop();
  return lines;
}

function cancelled(pattern: string): LoomError {
  return new LoomError("CANCELLED", `Cannot search "${pattern}": the call was cancelled`);
}
