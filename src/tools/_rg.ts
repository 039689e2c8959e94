import { LoomError, type ProcessRunner } from "../core/mod.ts";
import type { EngineContext } from "./_search_builtin.ts";
import { BACKREFERENCE, LOOK_AROUND } from "./_search_hints.ts";
import type { FileResult, ResultSink, SearchQuery } from "./_search_types.ts";

const TIMEOUT_MS = 120_000;
/** The runner's own copy of stdout is not used (output is parsed as it streams). */
const KEPT_OUTPUT_BYTES = 64 * 1024;
const PROGRESS_EVERY_FILES = 500;

/**
 * The ripgrep engine. Never passes `-L` (symlinks are not followed); `--no-config` keeps the
 * user's rg config out. rg's `-g` globs override ignore files, so when a positive glob is given
 * each result is checked against the ignore files again; read-denied paths are dropped.
 */
export async function searchRipgrep(
  rgPath: string,
  query: SearchQuery,
  ctx: EngineContext & { runner: ProcessRunner },
  sink: ResultSink,
): Promise<void> {
  let delivered = 0;
  const accept = (file: FileResult) => {
    if (ctx.isReadDenied(file.path) || recheck!(file.path)) return;
    sink(file);
    if (++delivered % PROGRESS_EVERY_FILES === 0) {
      ctx.onProgress?.({ progress: delivered, message: `${delivered} matching files` });
    }
  };
  // The re-check (and the ignore-file code it loads) gets ready while rg runs; results that
  // arrive before it wait in `pending`.
  let recheck: ((rel: string) => boolean) | null = null;
  const pending: FileResult[] = [];
  const ready = query.globs.some((g) => !g.startsWith("!"))
    ? exclusionCheck(ctx.root, query.startRel, query.includeHidden)
    : Promise.resolve(() => false);
  const settled = ready.then((check) => {
    recheck = check;
    pending.splice(0).forEach(accept);
  }, (err) => ({ err }));
  const deliver = (file: FileResult) => {
    const path = file.path.startsWith("./") ? file.path.slice(2) : file.path;
    if (recheck === null) pending.push({ ...file, path });
    else accept({ ...file, path });
  };
  const parser = query.mode === "content"
    ? jsonParser(deliver)
    : query.mode === "count"
    ? countParser(deliver)
    : filesParser(deliver);
  const decoder = new TextDecoder();
  const result = await ctx.runner.run([rgPath, ...rgArgs(query)], {
    cwd: ctx.root,
    timeoutMs: TIMEOUT_MS,
    signal: ctx.signal,
    maxOutputBytes: KEPT_OUTPUT_BYTES,
    sandbox: false,
    onOutput: (stream, chunk) => {
      if (stream === "stdout") parser.push(decoder.decode(chunk, { stream: true }));
    },
  });
  if (result.cancelled) {
    throw new LoomError("CANCELLED", `Cannot search "${query.pattern}": the call was cancelled`);
  }
  if (result.timedOut) {
    throw new LoomError(
      "TIMEOUT",
      `Cannot search "${query.pattern}": ripgrep ran over ${
        TIMEOUT_MS / 1000
      }s; narrow the path or glob`,
    );
  }
  parser.push(decoder.decode());
  const failed = await settled;
  if (failed) throw failed.err;
  parser.end();
  if (result.code === 2) {
    const why = result.stderr.trim();
    if (/regex|parse error|literal/i.test(why)) {
      throw new LoomError("INVALID_INPUT", `Cannot search "${query.pattern}": ${regexError(why)}`);
    }
    if (delivered === 0 && why !== "") {
      throw new LoomError(
        "UNAVAILABLE",
        `Cannot search "${query.pattern}": ripgrep failed: ${why}`,
      );
    }
  }
}

/** Where and how `rg --files` should list. */
export interface ListFilesOptions {
  root: string;
  startRel: string;
  includeHidden: boolean;
  runner: ProcessRunner;
  signal: AbortSignal;
  /**
   * File-name globs for rg to pre-filter with, as a file type (`--type-add`): unlike `-g`, a type
   * never overrides ignore files, but a hidden file whose name matches is listed (rg skips the
   * hidden check for type matches), so the caller drops those. Its own matcher has the last word.
   */
  nameGlobs?: string[];
  /** Takes each path as rg prints it (work then overlaps rg's walk); nothing is collected. */
  onPath?: (rel: string) => void;
}

/**
 * Lists the files ripgrep would search under `startRel` (.gitignore aware, hidden files only when
 * asked, symlinks not followed), project-relative: returned, or handed to `onPath` as they come.
 * Exact glob matching is left to the caller so that both engines match names the same way.
 */
export async function listFilesRipgrep(
  rgPath: string,
  options: ListFilesOptions,
): Promise<string[]> {
  const args = ["--files", "--null", "--no-config", "--no-require-git", "--no-ignore-global"];
  args.push("--no-messages", "--glob=!.git", "--glob=!.loom");
  if (options.nameGlobs !== undefined && options.nameGlobs.length > 0) {
    for (const glob of options.nameGlobs) args.push(`--type-add=loomfiles:${glob}`);
    args.push("--type=loomfiles");
  }
  if (options.includeHidden) args.push("--hidden");
  args.push("--", options.startRel === "." ? "." : options.startRel);
  const paths: string[] = [];
  const take = options.onPath ?? ((rel: string) => paths.push(rel));
  let listed = 0;
  const decoder = new TextDecoder();
  const parser = splitter("\0", (path) => {
    if (path === "") return;
    listed++;
    take(path.startsWith("./") ? path.slice(2) : path);
  });
  const result = await options.runner.run([rgPath, ...args], {
    cwd: options.root,
    timeoutMs: TIMEOUT_MS,
    signal: options.signal,
    maxOutputBytes: KEPT_OUTPUT_BYTES,
    sandbox: false,
    onOutput: (stream, chunk) => {
      if (stream === "stdout") parser.push(decoder.decode(chunk, { stream: true }));
    },
  });
  if (result.cancelled) {
    throw new LoomError("CANCELLED", `Cannot list "${options.startRel}": the call was cancelled`);
  }
  if (result.timedOut) {
    throw new LoomError(
      "TIMEOUT",
      `Cannot list "${options.startRel}": ripgrep ran over ${TIMEOUT_MS / 1000}s; narrow the path`,
    );
  }
  parser.push(decoder.decode());
  parser.end();
  if (result.code === 2 && listed === 0 && result.stderr.trim() !== "") {
    throw new LoomError(
      "UNAVAILABLE",
      `Cannot list "${options.startRel}": ripgrep failed: ${result.stderr.trim()}`,
    );
  }
  return paths;
}

/** The rg command line for a query (without the program). */
export function rgArgs(query: SearchQuery): string[] {
  const args = ["--no-config", "--no-require-git", "--no-ignore-global", "--no-messages"];
  if (query.mode === "content") {
    args.push("--json");
    if (query.before > 0) args.push(`--before-context=${query.before}`);
    if (query.after > 0) args.push(`--after-context=${query.after}`);
  } else if (query.mode === "count") {
    args.push("--count", "--null");
  } else {
    args.push("--files-with-matches", "--null");
  }
  if (query.caseInsensitive) args.push("--ignore-case");
  if (query.multiline) args.push("--multiline");
  if (query.includeHidden) args.push("--hidden");
  for (const glob of query.globs) args.push(`--glob=${glob}`);
  args.push("--glob=!.git", "--glob=!.loom");
  if (query.typeGlobs.length > 0) {
    for (const glob of query.typeGlobs) args.push(`--type-add=loomsearch:${glob}`);
    args.push("--type=loomsearch");
  }
  args.push("--regexp", query.pattern, "--", query.startRel === "." ? "." : query.startRel);
  return args;
}

interface Parser {
  push(text: string): void;
  end(): void;
}

/** Splits streamed text on a delimiter, handing each complete piece to `each`. */
function splitter(delimiter: string, each: (piece: string) => void): Parser {
  let rest = "";
  return {
    push(text) {
      rest += text;
      let at = rest.indexOf(delimiter);
      let from = 0;
      while (at !== -1) {
        each(rest.slice(from, at));
        from = at + delimiter.length;
        at = rest.indexOf(delimiter, from);
      }
      rest = rest.slice(from);
    },
    end() {
      if (rest !== "") each(rest);
      rest = "";
    },
  };
}

function filesParser(deliver: (file: FileResult) => void): Parser {
  return splitter("\0", (path) => {
    if (path !== "") deliver({ path, count: 1, lines: [] });
  });
}

function countParser(deliver: (file: FileResult) => void): Parser {
  let path: string | null = null;
  // "path\0count\n": alternate on NUL and newline.
  return splitter("\n", (line) => {
    const cut = line.lastIndexOf("\0");
    if (cut === -1) return;
    path = line.slice(0, cut);
    deliver({ path, count: Number(line.slice(cut + 1)), lines: [] });
  });
}

interface RgText {
  text?: string;
  bytes?: string;
}

function jsonParser(deliver: (file: FileResult) => void): Parser {
  let current: FileResult | null = null;
  return splitter("\n", (line) => {
    if (line === "") return;
    const event = JSON.parse(line) as {
      type: string;
      data: { path?: RgText; lines?: RgText; line_number?: number };
    };
    const { type, data } = event;
    if (type === "begin") {
      current = { path: textOf(data.path), count: 0, lines: [] };
    } else if ((type === "match" || type === "context") && current !== null) {
      const match = type === "match";
      if (match) current.count++;
      const texts = textOf(data.lines).replace(/\n$/, "").split("\n");
      texts.forEach((text, i) => current!.lines.push({ n: data.line_number! + i, text, match }));
    } else if (type === "end" && current !== null) {
      if (current.count > 0) deliver(current);
      current = null;
    }
  });
}

function textOf(value: RgText | undefined): string {
  if (value?.text !== undefined) return value.text;
  if (value?.bytes !== undefined) {
    return new TextDecoder().decode(Uint8Array.from(atob(value.bytes), (c) => c.charCodeAt(0)));
  }
  return "";
}

/**
 * The ignore-file check for results of an rg whose `-g` globs overrode the ignore files. The
 * catalog (and its CommonJS `ignore` package) loads only then: most searches need neither.
 */
export async function exclusionCheck(
  root: string,
  startRel: string,
  includeHidden: boolean,
): Promise<(rel: string) => boolean> {
  const { createExclusionCheck } = await import("../workspace/catalog.ts");
  return createExclusionCheck(root, startRel, { includeHidden });
}

/**
 * ripgrep's regex error without its advice to pass `--pcre2` (the model cannot), and with what
 * to do instead where the built-in engine gives the same advice.
 */
function regexError(stderr: string): string {
  const why = stderr.replace(/\s*Consider enabling PCRE2[\s\S]*$/, "").trim();
  if (/look-around/i.test(why)) return `${why}\n${LOOK_AROUND}`;
  if (/backreferences/i.test(why)) return `${why}\n${BACKREFERENCE}`;
  return why;
}
