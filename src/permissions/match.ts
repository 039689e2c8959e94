import { checkGlobLength, compileGlobs } from "../workspace/glob.ts";

/** A compiled path glob: true when a project-relative POSIX path is covered by it. */
export type PathMatcher = (rel: string) => boolean;

/**
 * Normalizes a project-relative path: POSIX separators, no `./`, no doubled or trailing slashes.
 * Returns null for paths that are absolute or climb out with `..` (never inside the project).
 *
 * @example normalizeRel("./src//app.ts") // "src/app.ts"
 */
export function normalizeRel(rel: string): string | null {
  const posix = rel.replaceAll("\\", "/");
  if (posix.startsWith("/") || /^[A-Za-z]:\//.test(posix)) return null;
  const parts: string[] = [];
  for (const part of posix.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") return null;
    parts.push(part);
  }
  return parts.length === 0 ? "." : parts.join("/");
}

/**
 * Compiles a rule glob with .gitignore-like placement: without a slash it matches at any depth
 * (`*.env` covers `a/b/x.env`), with one it is anchored at the root (`src/*.ts`). A glob that
 * matches a directory covers everything beneath it (`dir`, `dir/`, `dir/**`). `*` never crosses
 * `/`, dotfiles are matched, and `src/**` never matches the sibling `src2/x`.
 *
 * @example compileGlob("*.env")("config/prod.env") // true
 */
export function compileGlob(glob: string, options: { nocase?: boolean } = {}): PathMatcher {
  const globs = ruleGlobs(glob);
  if (globs === null) return () => true;
  // Compiled at the first match: rules are compiled at start-up, and most are never consulted.
  let covers: ((path: string) => boolean) | undefined;
  return (rel) => {
    const path = normalizeRel(rel);
    if (path === null || path === ".") return false;
    covers ??= compileGlobs(globs, { nocase: options.nocase ?? false });
    return covers(path);
  };
}

/**
 * The globs a rule glob is matched as (see compileGlob), or null when it covers everything.
 * Throws INVALID_INPUT for one too long to use, so that it is reported as the rules are read.
 */
export function ruleGlobs(glob: string): string[] | null {
  let body = glob.trim().replaceAll("\\", "/");
  while (body.startsWith("./")) body = body.slice(2);
  let anchored = body.startsWith("/");
  // Trailing slashes by hand: /\/+$/ retries from each slash of a long run inside the text.
  let end = body.length;
  while (end > 0 && body[end - 1] === "/") end--;
  body = body.slice(0, end).replace(/^\/+/, "");
  if (body === "" || body === "**") return null;
  if (body.includes("/")) anchored = true;
  const full = anchored ? body : `**/${body}`;
  checkGlobLength(full);
  // `x/**` covers `x` already; anything else also covers what lies beneath it.
  return full.endsWith("/**") ? [full] : [full, `${full}/**`];
}

/** True when `rel` is covered by `glob` (see compileGlob). */
export function matchGlob(glob: string, rel: string, options: { nocase?: boolean } = {}): boolean {
  return compileGlob(glob, options)(rel);
}

/** A command pattern split into words; `prefix` when it ends in ` *` or `:*`. */
export interface CommandPattern {
  words: string[];
  /** True for a word written with quotes: its `*` is a plain character. */
  quoted: boolean[];
  prefix: boolean;
}

/**
 * Splits a command pattern into words (whitespace-separated, quotes removed).
 *
 * @example parseCommandPattern("git log:*") // { words: ["git", "log"], quoted: [false, false], prefix: true }
 */
export function parseCommandPattern(pattern: string): CommandPattern {
  const tokens = tokenize(pattern);
  const last = tokens.at(-1);
  const quoted = tokens.map((t) => t.quoted);
  if (last && !last.quoted && last.text === "*") {
    return {
      words: tokens.slice(0, -1).map((t) => t.text),
      quoted: quoted.slice(0, -1),
      prefix: true,
    };
  }
  if (last && !last.quoted && last.text.endsWith(":*")) {
    const words = tokens.map((t) => t.text);
    words[words.length - 1] = last.text.slice(0, -2);
    if (words[words.length - 1] === "") {
      words.pop();
      quoted.pop();
    }
    return { words, quoted, prefix: true };
  }
  return { words: tokens.map((t) => t.text), quoted, prefix: false };
}

/**
 * True when a command's words match a pattern: the pattern's words one for one (a `*` inside a
 * pattern word matches any characters of that one word), then, for prefix patterns, any further
 * words. A word built from an expansion (`literal[i] === false`) only matches the trailing `*`.
 *
 * @example matchCommand("npm run *", ["npm", "run", "build"]) // true
 */
export function matchCommand(
  pattern: string | CommandPattern,
  words: readonly string[],
  literal: readonly boolean[] = [],
): boolean {
  const parsed = typeof pattern === "string" ? parseCommandPattern(pattern) : pattern;
  if (words.length < parsed.words.length) return false;
  if (!parsed.prefix && words.length !== parsed.words.length) return false;
  return parsed.words.every((want, i) =>
    literal[i] !== false && (parsed.quoted[i] ? want === words[i] : matchWord(want, words[i]))
  );
}

/**
 * True when `text` matches `pattern`, where `*` stands for any run of characters. The pieces
 * between stars are placed leftmost first (always right for `*` alone), each with one indexOf: a
 * regex of them backtracked without end on a long argument against a rule with several stars.
 */
export function matchWord(pattern: string, text: string): boolean {
  if (!pattern.includes("*")) return pattern === text;
  const pieces = pattern.split("*");
  const head = pieces[0];
  const tail = pieces[pieces.length - 1];
  if (text.length < head.length + tail.length) return false;
  if (!text.startsWith(head) || !text.endsWith(tail)) return false;
  const end = text.length - tail.length;
  let at = head.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    if (pieces[i] === "") continue;
    const found = text.indexOf(pieces[i], at);
    if (found < 0 || found + pieces[i].length > end) return false;
    at = found + pieces[i].length;
  }
  return true;
}

/** Programs that only run another program given in their arguments. */
const WRAPPERS = new Set([
  "sudo",
  "doas",
  "env",
  "command",
  "builtin",
  "exec",
  "nohup",
  "time",
  "nice",
  "ionice",
  "timeout",
  "stdbuf",
  "setsid",
  "xargs",
  "chroot",
  "coproc",
]);
/** Wrapper options that take a separate value. */
const OPTION_VALUES: Record<string, Set<string>> = {
  sudo: new Set(["-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U"]),
  env: new Set(["-u", "-C", "-S", "--unset", "--chdir"]),
  nice: new Set(["-n", "--adjustment"]),
  ionice: new Set(["-c", "-n", "-p"]),
  timeout: new Set(["-k", "-s", "--kill-after", "--signal"]),
  stdbuf: new Set(["-i", "-o", "-e"]),
  xargs: new Set(["-a", "-d", "-E", "-e", "-I", "-i", "-L", "-l", "-n", "-P", "-s"]),
};

/** A command's words with the expansion marks kept alongside. */
export interface CommandWords {
  words: string[];
  literal: boolean[];
}

/**
 * The forms a command may take for deny and ask matching: as written, with the program's
 * directory dropped (`/bin/rm` → `rm`), and with wrappers peeled off (`sudo env X=1 rm` → `rm`).
 *
 * @example commandVariants({ words: ["sudo", "/bin/rm", "-rf"], literal: [] }).at(-1)?.words // ["rm", "-rf"]
 */
export function commandVariants(command: CommandWords): CommandWords[] {
  const out: CommandWords[] = [];
  let current: CommandWords | null = command;
  for (let depth = 0; current && current.words.length > 0 && depth < 8; depth++) {
    out.push(current);
    const base = basename(current.words[0]);
    if (base !== current.words[0]) {
      current = { words: [base, ...current.words.slice(1)], literal: current.literal };
      out.push(current);
    }
    current = unwrap(current);
  }
  return out;
}

function unwrap(command: CommandWords): CommandWords | null {
  const name = command.words[0];
  if (!WRAPPERS.has(name)) return null;
  const takesValue = OPTION_VALUES[name] ?? new Set<string>();
  let i = 1;
  while (i < command.words.length) {
    const word = command.words[i];
    if (word === "--") {
      i++;
      break;
    }
    if (word.startsWith("-") && word.length > 1) {
      i += takesValue.has(word) ? 2 : 1;
      continue;
    }
    if (name === "env" && /^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) {
      i++;
      continue;
    }
    break;
  }
  // `timeout 5 cmd`: the first operand is the duration.
  if (name === "timeout" && i < command.words.length) i++;
  if (i >= command.words.length) return null;
  return { words: command.words.slice(i), literal: command.literal.slice(i) };
}

function basename(word: string): string {
  const slash = word.lastIndexOf("/");
  return slash >= 0 && slash < word.length - 1 ? word.slice(slash + 1) : word;
}

function tokenize(pattern: string): { text: string; quoted: boolean }[] {
  const tokens: { text: string; quoted: boolean }[] = [];
  let text = "";
  let quoted = false;
  let inToken = false;
  let quote: string | null = null;
  for (const ch of pattern) {
    if (quote) {
      if (ch === quote) quote = null;
      else text += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      quoted = true;
      inToken = true;
    } else if (/\s/.test(ch)) {
      if (inToken) tokens.push({ text, quoted });
      text = "";
      quoted = false;
      inToken = false;
    } else {
      text += ch;
      inToken = true;
    }
  }
  if (inToken) tokens.push({ text, quoted });
  return tokens;
}
