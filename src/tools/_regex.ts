import { LoomError } from "../core/mod.ts";

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
 * the middle of a pattern, and Unicode-aware `\w`/`\b`/`\d` (JS's are ASCII).
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

/**
 * Compiles a search pattern for the built-in engine: Unicode mode when the pattern allows it
 * (closer to ripgrep), plain mode otherwise. Throws INVALID_INPUT with the regex error.
 */
export function compileSearchRegex(
  pattern: string,
  options: { caseInsensitive: boolean; multiline: boolean },
): RegExp {
  const translated = toJsRegex(pattern, { caseInsensitive: options.caseInsensitive });
  const flags = translated.flags;
  const source = onlyLineFeedEndsLines(translated.source, flags.includes("s"));
  if (!options.multiline && matchesLineBreak(translated.source)) {
    throw new LoomError(
      "INVALID_INPUT",
      `Cannot search "${pattern}": the pattern contains a line break; set multiline to match across lines`,
    );
  }
  const base = flags + "g";
  try {
    return new RegExp(source, base + "u");
  } catch {
    try {
      return new RegExp(source, base);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new LoomError("INVALID_INPUT", `Cannot search "${pattern}": ${why}`, { cause: err });
    }
  }
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
