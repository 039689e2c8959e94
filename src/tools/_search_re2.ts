import { type Matcher, RE2JS, RE2JSSyntaxException } from "re2js";
import { LoomError } from "../core/mod.ts";
import type { SearchRegex } from "./_regex.ts";
import { BACKREFERENCE, LOOK_AROUND } from "./_search_hints.ts";

/** Unicode's White_Space, what Rust's `\s` matches, as the inside of a character class. */
const WHITE_SPACE = "\\x09-\\x0D\\x20\\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}" +
  "\\x{202F}\\x{205F}\\x{3000}";

/**
 * Compiles a ripgrep pattern with re2js: RE2's syntax (close to ripgrep's Rust regex) and matching
 * in time linear in the text, whatever the pattern. `^` and `$` match at line feeds, as in rg.
 * Throws INVALID_INPUT (naming `shown`, the pattern as the model wrote it) for a bad pattern, and
 * for look-around and backreferences, as rg does.
 */
export function compileRe2(
  pattern: string,
  caseInsensitive: boolean,
  shown = pattern,
): SearchRegex {
  const source = toRe2Syntax(pattern);
  const flags = RE2JS.MULTILINE | (caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0);
  let re: RE2JS;
  try {
    re = RE2JS.compile(source, flags);
  } catch (err) {
    const why = describeError(err, source);
    throw new LoomError("INVALID_INPUT", `Cannot search "${shown}": ${why}`, { cause: err });
  }
  return fromRe2(re);
}

/**
 * Translates ripgrep syntax to RE2's where they differ: `\u0041`, `\u{41}` and `\U0001F600`
 * become `\x{…}`; `\s` and `\S` take in Unicode white space, as Rust's do (RE2's are ASCII).
 *
 * @example toRe2Syntax("\\u0041\\s") // "\\x{0041}[\\x09-\\x0D\\x20\\x{85}…]"
 */
export function toRe2Syntax(pattern: string): string {
  const escaped = pattern
    .replace(/(?<!\\)((?:\\\\)*)\\[uU]\{([0-9A-Fa-f]+)\}/g, "$1\\x{$2}")
    .replace(/(?<!\\)((?:\\\\)*)\\u([0-9A-Fa-f]{4})/g, "$1\\x{$2}")
    .replace(/(?<!\\)((?:\\\\)*)\\U([0-9A-Fa-f]{8})/g, "$1\\x{$2}");
  let out = "";
  let inClass = false;
  for (let i = 0; i < escaped.length; i++) {
    const c = escaped[i];
    if (c === "\\") {
      const e = escaped[i + 1] ?? "";
      i++;
      if (e === "s") out += inClass ? WHITE_SPACE : `[${WHITE_SPACE}]`;
      else if (e === "S" && !inClass) out += `[^${WHITE_SPACE}]`;
      else out += c + e;
    } else if (inClass) {
      const posix = /^\[:\^?\w+:\]/.exec(escaped.slice(i, i + 16));
      if (posix) {
        out += posix[0];
        i += posix[0].length - 1;
      } else {
        if (c === "]") inClass = false;
        out += c;
      }
    } else if (c === "[") {
      inClass = true;
      out += c;
      if (escaped[i + 1] === "^") out += escaped[++i];
      if (escaped[i + 1] === "]") out += escaped[++i]; // A leading ] is literal.
    } else out += c;
  }
  return out;
}

/**
 * Outside multiline mode rg matches line by line, so `\A` and `\z` mean the start and end of a
 * line: they become `^` and `$`.
 */
export function lineAnchors(pattern: string): string {
  return pattern.replace(
    /(?<!\\)((?:\\\\)*)\\([Az])/g,
    (_, run: string, a: string) => run + (a === "A" ? "^" : "$"),
  );
}

/** The reason re2js gave, in rg's words for the two features rg's default engine refuses. */
function describeError(err: unknown, source: string): string {
  if (!(err instanceof RE2JSSyntaxException)) return err instanceof Error ? err.message : `${err}`;
  const what = err.getDescription();
  const near = err.getPattern() ?? "";
  if (/^\(\?<?[=!]/.test(near)) return LOOK_AROUND;
  if (/^\\[1-9k]/.test(near) || (near.startsWith("(?P") && /\(\?P=/.test(source))) {
    return BACKREFERENCE;
  }
  // re2js quotes the whole pattern (behind its own flags) for some errors: it is already quoted.
  return near === "" || near.endsWith(source) ? what : `${what}: \`${near}\``;
}

/** Wraps a compiled re2js pattern as a SearchRegex. */
function fromRe2(re: RE2JS): SearchRegex {
  // find() is called again and again on one file's text: one matcher serves them all.
  let input: string | null = null;
  let matcher: Matcher | null = null;
  return {
    engine: "re2",
    test: (text) => re.test(text),
    find(text, from) {
      if (from > text.length) return null;
      if (matcher === null || input !== text) {
        matcher = re.matcher(text);
        input = text;
      }
      return matcher.find(from) ? { start: matcher.start(), end: matcher.end() } : null;
    },
  };
}
