// Globs (`*`, `?`, `**`, `[...]`, `{a,b}`, `\` escapes, as rg's -g reads them) matched by RE2: time
// linear in the path, whatever the glob. Globs come from models (search tools) and from cloned
// repositories (LOOM.md rules), and a backtracking engine took minutes on `a*a*a*a*a*a*a*a*a*a*a*b`
// against one long file name, holding up every other request the process serves.
import { createRequire } from "node:module";
import type * as Re2 from "re2js";
import { LoomError } from "../core/mod.ts";

// RE2 is a large module and most runs of Loom compile no glob: it is loaded on first need, as
// the module the search engine imports too (one copy). Code that can wait loads it first
// (`loadGlobEngine`); a synchronous first match falls back to require, which a Worker allowed to
// read only the project cannot do (it would have to read Loom's node_modules).
let re2Module: Pick<typeof Re2, "RE2JS"> | undefined;

/**
 * Loads RE2 once; call it, wherever waiting is possible, before matching a glob that `needsRe2`
 * (the others run on V8's RegExp and need nothing loaded).
 */
export async function loadGlobEngine(): Promise<void> {
  re2Module ??= await import("re2js");
}

function re2(): Pick<typeof Re2, "RE2JS"> {
  return re2Module ??= createRequire(import.meta.url)("re2js");
}

/** Longer globs are refused: no file name or path pattern needs more. */
const MAX_GLOB_LENGTH = 4096;

/** POSIX classes RE2 knows, passed through inside `[...]`. */
const POSIX = new Set([
  "alnum",
  "alpha",
  "ascii",
  "blank",
  "cntrl",
  "digit",
  "graph",
  "lower",
  "print",
  "punct",
  "space",
  "upper",
  "word",
  "xdigit",
]);

/** Throws INVALID_INPUT for a glob longer than any real one. */
export function checkGlobLength(glob: string): void {
  if (glob.length <= MAX_GLOB_LENGTH) return;
  throw new LoomError(
    "INVALID_INPUT",
    `Cannot use a glob of ${glob.length} characters (at most ${MAX_GLOB_LENGTH}): ${
      JSON.stringify(glob.slice(0, 40))
    }...`,
  );
}

/** A matcher for the whole of a text: true when it matches any of `globs`. */
export function compileGlobs(
  globs: string[],
  options: { nocase?: boolean } = {},
): (text: string) => boolean {
  for (const glob of globs) checkGlobLength(glob);
  const source = globs.map(globToRegex).join("|");
  if (!globs.some(needsRe2)) {
    // V8's own engine, three times faster than RE2 on these (a listing checks every path).
    const re = new RegExp(`^(?:${source})$`, options.nocase ? "sui" : "su");
    return (text) => re.test(text);
  }
  const { RE2JS } = re2();
  let re: Re2.RE2JS;
  try {
    const flags = RE2JS.DOTALL | (options.nocase ? RE2JS.CASE_INSENSITIVE : 0);
    re = RE2JS.compile(`(?:${source})`, flags);
  } catch (err) {
    throw new LoomError(
      "INVALID_INPUT",
      `Cannot use the glob ${JSON.stringify(globs.join(", "))}: ${String(err)}`,
    );
  }
  return (text) => re.matches(text);
}

/**
 * False for a glob whose pattern a backtracking engine matches in time about linear in the path:
 * one `*` at most in each component, and one `**` at most before the last component (a trailing
 * one ends the match). Anything more (`*a*b`, or a globstar both before and after `x`), and
 * POSIX classes, which only RE2 reads, go to RE2.
 */
export function needsRe2(glob: string): boolean {
  return !backtracksLinearly(glob);
}

function backtracksLinearly(glob: string): boolean {
  if (glob.includes("[:")) return false;
  const parts = glob.split("/");
  let globstars = 0;
  for (let i = 0; i < parts.length; i++) {
    if (parts[i] === "**") {
      if (i < parts.length - 1) globstars++;
    } else if ((parts[i].match(/\*+/g)?.length ?? 0) > 1) return false;
  }
  return globstars <= 1;
}

/**
 * The pattern (to match a whole text) of one glob, in the syntax RE2 and JavaScript share: `*` and `?` stay within a path component,
 * `**` as a whole component spans any number of them (`x/**` also matches `x`), `{a,b}` nests,
 * `[!a-z]` never matches `/`. What the syntax cannot read (`[` or `{` left open) is literal.
 */
export function globToRegex(glob: string): string {
  let i = 0;
  /**
   * Braces that never close, literal: found by one pass first, so that a run of them is not read
   * again from each; one the pass pairs but a class swallows its `}` is found when read, once.
   */
  const unclosed = new Set<number>();
  const open: number[] = [];
  for (let k = 0; k < glob.length; k++) {
    if (glob[k] === "\\") k++;
    else if (glob[k] === "{") open.push(k);
    else if (glob[k] === "}") open.pop();
  }
  for (const k of open) unclosed.add(k);

  const sequence = (inBraces: boolean): string => {
    let out = "";
    while (i < glob.length) {
      const c = glob[i];
      if (inBraces && (c === "," || c === "}")) break;
      if (c === "\\") {
        out += literal(glob[i + 1] ?? "\\");
        i += 2;
      } else if (c === "*") {
        let end = i;
        while (glob[end] === "*") end++;
        const whole = end - i > 1 && (i === 0 || glob[i - 1] === "/") &&
          (end === glob.length || glob[end] === "/" ||
            (inBraces && (glob[end] === "," || glob[end] === "}")));
        if (!whole) out += "[^/]*";
        else if (glob[end] === "/") {
          out += "(?:.*/)?";
          end++;
        } else if (out.endsWith("/")) out = `${out.slice(0, -1)}(?:/.*)?`;
        else out += ".*";
        i = end;
      } else if (c === "?") {
        out += "[^/]";
        i++;
      } else if (c === "[") {
        const cls = characterClass();
        if (cls === null) {
          out += literal(c);
          i++;
        } else out += cls;
      } else if (c === "{" && !unclosed.has(i)) {
        const start = i++;
        const choices = [sequence(true)];
        while (glob[i] === ",") {
          i++;
          choices.push(sequence(true));
        }
        if (glob[i] === "}") {
          i++;
          out += `(?:${choices.join("|")})`;
        } else {
          // Never closed: a literal brace, and what followed it read again.
          unclosed.add(start);
          i = start;
        }
      } else {
        out += literal(c);
        i++;
      }
    }
    return out;
  };

  /** `[...]` at `i` as an RE2 class (moving `i` past it), or null when it is never closed. */
  const characterClass = (): string | null => {
    let j = i + 1;
    const negated = glob[j] === "!" || glob[j] === "^";
    if (negated) j++;
    let body = "";
    for (let first = true; j < glob.length; first = false) {
      const c = glob[j];
      if (c === "]" && !first) {
        i = j + 1;
        return negated ? `[^/${body}]` : `[${body}]`;
      }
      // The longest class name, `xdigit`, makes `[:xdigit:]`: ten characters.
      const posix = c === "[" && glob[j + 1] === ":"
        ? /^\[:([a-z]+):\]/.exec(glob.slice(j, j + 10))
        : null;
      if (posix && POSIX.has(posix[1])) {
        body += posix[0];
        j += posix[0].length;
      } else if (c === "\\" && j + 1 < glob.length) {
        body += classLiteral(glob[j + 1]);
        j += 2;
      } else if (c === "-" && !first && glob[j + 1] !== "]" && j + 1 < glob.length) {
        body += "-";
        j++;
      } else {
        body += classLiteral(c);
        j++;
      }
    }
    return null;
  };

  return sequence(false);
}

function literal(c: string): string {
  return /[\\.+*?()|[\]{}^$]/.test(c) ? `\\${c}` : c;
}

function classLiteral(c: string): string {
  return /[\\\]^\-[]/.test(c) ? `\\${c}` : c;
}
