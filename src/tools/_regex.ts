import { LoomError } from "../core/mod.ts";
import { compileRe2, lineAnchors } from "./_search_re2.ts";

const POSIX_CLASSES: Record<string, string> = {
  alpha: "a-zA-Z",
  digit: "0-9",
  alnum: "a-zA-Z0-9",
  upper: "A-Z",
  lower: "a-z",
  space: "\\s",
  blank: " \\t",
  xdigit: "0-9A-Fa-f",
  word: "\\w",
  punct: "!-\\/:-@\\[-`{-~",
  cntrl: "\\x00-\\x1f\\x7f",
  print: "\\x20-\\x7e",
  graph: "\\x21-\\x7e",
};

/**
 * Translates ripgrep (Rust regex) syntax to a JavaScript RegExp source and flags, for what has a
 * JS equivalent: leading inline flags `(?i)`/`(?s)`/`(?m)`, `(?P<name>…)`, `(?P=name)`,
 * `[[:alpha:]]`-style classes, `\pL`, `\x{…}`, `\A` and `\z`. Not supported: `(?x)`, flags in
 * the middle of a pattern, and Unicode-aware `\w`/`\b`/`\d` (JS's are ASCII). Searches use it
 * only for patterns V8 cannot backtrack on badly; re2js runs the rest (see compileSearchRegex).
 *
 * @example toJsRegex("(?i)foo[[:digit:]]+", {}) // { source: "foo[0-9]+", flags: "i" }
 */
export function toJsRegex(
  pattern: string,
  options: { caseInsensitive?: boolean; dotAll?: boolean },
): { source: string; flags: string } {
  let source = pattern;
  const flags = new Set<string>();
  if (options.caseInsensitive) flags.add("i");
  if (options.dotAll) flags.add("s");
  const inline = /^\(\?([ims]+)\)/.exec(source);
  if (inline) {
    for (const f of inline[1]) if (f !== "m") flags.add(f); // ^ and $ are per line anyway.
    source = source.slice(inline[0].length);
  }
  source = source
    .replaceAll("(?P<", "(?<")
    .replace(/\(\?P=(\w+)\)/g, "\\k<$1>")
    .replace(/\[:(\^?)(\w+):\]/g, (whole, neg: string, name: string) => {
      const cls = POSIX_CLASSES[name];
      return cls === undefined || neg ? whole : cls;
    })
    .replace(/(?<!\\)((?:\\\\)*)\\([pP])([A-Za-z])/g, "$1\\$2{$3}")
    .replace(/(?<!\\)((?:\\\\)*)\\x\{([0-9A-Fa-f]+)\}/g, "$1\\u{$2}")
    .replace(/(?<!\\)((?:\\\\)*)\\A/g, "$1(?<![\\s\\S])")
    .replace(/(?<!\\)((?:\\\\)*)\\z/g, "$1(?![\\s\\S])");
  return { source, flags: [...flags].sort().join("") };
}

/** Where a pattern matched: offsets into the searched text, `end` exclusive. */
export interface RegexMatch {
  start: number;
  end: number;
}

/** A compiled search pattern, whichever engine runs it. */
export interface SearchRegex {
  /** "re2": linear-time re2js (any pattern that repeats); "v8": JavaScript's RegExp. */
  readonly engine: "re2" | "v8";
  /** True when the pattern matches anywhere in `text`. */
  test(text: string): boolean;
  /** The first match starting at or after offset `from` of `text`, or null. */
  find(text: string, from: number): RegexMatch | null;
}

/**
 * Compiles a search pattern for the built-in engine. Every pattern is parsed by re2js, whose
 * syntax is close to ripgrep's, so both engines accept and refuse the same patterns (look-around
 * and backreferences included). A pattern that V8's backtracking cannot blow up (see
 * `isBacktrackSafe`) runs on V8, which is faster; every other runs on re2js, which is linear in
 * the text whatever the pattern. Throws INVALID_INPUT with the reason.
 */
export function compileSearchRegex(
  pattern: string,
  options: { caseInsensitive: boolean; multiline: boolean },
): SearchRegex {
  const rg = options.multiline ? pattern : lineAnchors(pattern);
  const translated = toJsRegex(rg, { caseInsensitive: options.caseInsensitive });
  if (!options.multiline && matchesLineBreak(translated.source)) {
    throw new LoomError(
      "INVALID_INPUT",
      `Cannot search "${pattern}": the pattern contains a line break; set multiline to match across lines`,
    );
  }
  const re2 = compileRe2(rg, options.caseInsensitive, pattern);
  if (isBacktrackSafe(rg)) {
    const flags = translated.flags + "g";
    const source = onlyLineFeedEndsLines(translated.source, flags.includes("s"));
    // Unicode mode when the pattern allows it (closer to ripgrep), plain mode otherwise.
    const v8 = tryRegExp(source, flags + "u") ?? tryRegExp(source, flags);
    if (v8 !== null) return fromRegExp(v8);
  }
  return re2;
}

/**
 * True when V8's backtracking engine runs the pattern in time linear in the text (times the
 * pattern's length): no repetition at all (`*`, `+`, `?`, `{`, even escaped or in a class) and
 * at most one group when it has alternatives, so no two choices multiply. Anything else (nested
 * or adjacent quantifiers, quantified alternations, even a lone `\w+x`, quadratic on a long
 * line) goes to re2js.
 */
export function isBacktrackSafe(pattern: string): boolean {
  const body = pattern.replace(/^\(\?[ims]+\)/, "");
  if (/[*+?{]/.test(body)) return false;
  return !body.includes("|") || body.split("(").length - 1 <= 1;
}

/**
 * Makes `^`, `$` and `.` treat only "\n" as a line end, as rg does (JS also stops at "\r",
 * U+2028 and U+2029): `^` becomes `(?<![^\n])`, `$` `(?![^\n])`, `.` `[^\n]` (unless dotAll).
 */
export function onlyLineFeedEndsLines(source: string, dotAll: boolean): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") {
      out += c + (source[i + 1] ?? "");
      i++;
    } else if (inClass) {
      if (c === "]") inClass = false;
      out += c;
    } else if (c === "[") {
      inClass = true;
      out += c;
      if (source[i + 1] === "^") out += source[++i];
      if (source[i + 1] === "]") out += source[++i]; // A leading ] is literal.
    } else if (c === "^") out += "(?<![^\\n])";
    else if (c === "$") out += "(?![^\\n])";
    else if (c === "." && !dotAll) out += "[^\\n]";
    else out += c;
  }
  return out;
}

/** True when the source names a line feed literally (`\n` or a raw newline), as rg refuses. */
function matchesLineBreak(source: string): boolean {
  return source.includes("\n") || /(?<!\\)(?:\\\\)*\\n/.test(source);
}

function tryRegExp(source: string, flags: string): RegExp | null {
  try {
    return new RegExp(source, flags);
  } catch {
    return null;
  }
}

/** Wraps a global RegExp as a SearchRegex. */
function fromRegExp(re: RegExp): SearchRegex {
  return {
    engine: "v8",
    test(text) {
      re.lastIndex = 0;
      return re.test(text);
    },
    find(text, from) {
      re.lastIndex = from;
      const m = re.exec(text);
      return m === null ? null : { start: m.index, end: m.index + m[0].length };
    },
  };
}
