import type { Node, Parser } from "web-tree-sitter";
import { innerScript, opaqueReason, wordValue } from "./_shell_words.ts";
import type { WordValue } from "./_shell_words.ts";
import { commandVariants } from "./match.ts";

/** One simple command of a shell line, after quote removal. */
export interface SimpleCommand {
  /** Program and arguments, quotes removed (`'rm' -rf` → `rm`, `-rf`). */
  words: string[];
  /** False for a word that holds an expansion (`$X`, `$(...)`): its value is unknown. */
  literal: boolean[];
  /** Leading `NAME=value` assignments (`PATH=/tmp/evil ls`). */
  env: string[];
  /** The command as written. */
  text: string;
  /** Literal scripts this command runs (`sh -c '...'`, `eval ...`), parsed for deny checks. */
  inner: ShellAnalysis[];
}

/** A file redirection and where it points. */
export interface Redirection {
  operator: string;
  target: string;
  /** False when the target holds an expansion. */
  literal: boolean;
  direction: "in" | "out";
}

/** What a shell line would do, as far as it can be judged without running it. */
export interface ShellAnalysis {
  commands: SimpleCommand[];
  /** `$(...)`, backticks, `<(...)` or `>(...)` anywhere, quoted strings and heredocs included. */
  hasSubstitution: boolean;
  redirections: Redirection[];
  /** Variable assignments: command prefixes, bare `X=1` statements and `export X=1`. */
  assignments: string[];
  /** True when something cannot be fully judged; `problems` says what. */
  unparseable: boolean;
  problems: string[];
}

const DEFAULT_WASM = new URL(
  "../../node_modules/tree-sitter-bash/tree-sitter-bash.wasm",
  import.meta.url,
);
const MAX_INNER_DEPTH = 3;
/** Tree levels walked: far more than real command lines use (see `visit`). */
const MAX_NESTING = 400;

let parser: Parser | null = null;
let loading: Promise<void> | null = null;

/** Loads tree-sitter and the bash grammar once; parseShellCommand needs it done. */
export function preloadShellParser(wasm: string | URL = DEFAULT_WASM): Promise<void> {
  loading ??= (async () => {
    // Loaded on the first shell decision, not at start-up (`loom mcp` answers initialize sooner).
    const { Language, Parser } = await import("web-tree-sitter");
    await Parser.init();
    const language = await Language.load(await Deno.readFile(wasm));
    const created = new Parser();
    created.setLanguage(language);
    parser = created;
  })().catch((err) => {
    loading = null;
    throw err;
  });
  return loading;
}

/** True once preloadShellParser has finished. */
export function isShellParserReady(): boolean {
  return parser !== null;
}

/**
 * Splits a shell line into its simple commands and flags what cannot be judged.
 *
 * @example
 * await preloadShellParser();
 * parseShellCommand("npm test && rm -rf dist").commands.map((c) => c.words[0]) // ["npm", "rm"]
 */
export function parseShellCommand(command: string): ShellAnalysis {
  return analyze(command, 0);
}

function analyze(command: string, depth: number): ShellAnalysis {
  if (!parser) throw new Error("parseShellCommand called before preloadShellParser finished");
  const out: ShellAnalysis = {
    commands: [],
    hasSubstitution: false,
    redirections: [],
    assignments: [],
    unparseable: false,
    problems: [],
  };
  // bash reads CR and NUL as ordinary characters while parsers may not: never guess.
  if (command.includes("\r")) problem(out, "it contains a carriage return");
  if (command.includes("\0")) problem(out, "it contains a NUL byte");
  const tree = parser.parse(command);
  if (!tree) {
    problem(out, "it could not be parsed");
    return out;
  }
  try {
    visit(tree.rootNode, out, depth, 0);
  } finally {
    tree.delete();
  }
  if (out.commands.some((c) => /^(cd|pushd|popd)$/.test(c.words[0] ?? ""))) {
    if (out.redirections.length > 0) {
      problem(out, "it changes directory, so its redirections cannot be placed");
    }
  }
  return out;
}

function problem(out: ShellAnalysis, text: string): void {
  out.unparseable = true;
  if (!out.problems.includes(text)) out.problems.push(text);
}

/**
 * `level`: how deep `node` sits in the tree. Past MAX_NESTING the rest is not walked (thousands of
 * nested `$(` would overflow the stack) and the line cannot be judged.
 */
function visit(node: Node, out: ShellAnalysis, depth: number, level: number): void {
  if (level > MAX_NESTING) {
    problem(out, `it nests more than ${MAX_NESTING} levels deep`);
    return;
  }
  if (node.type === "ERROR") problem(out, `it has a syntax error near "${clip(node.text)}"`);
  else if (node.isMissing) problem(out, `it is incomplete (missing "${node.type}")`);
  switch (node.type) {
    case "command":
      return visitCommand(node, out, depth, level);
    case "declaration_command":
    case "unset_command":
      return visitDeclaration(node, out, depth, level);
    case "variable_assignment":
      out.assignments.push(node.text);
      break;
    case "command_substitution":
    case "process_substitution":
      out.hasSubstitution = true;
      break;
    case "file_redirect":
      recordRedirect(node, out);
      break;
  }
  for (const child of node.children) visit(child, out, depth, level + 1);
}

function visitCommand(node: Node, out: ShellAnalysis, depth: number, level: number): void {
  const words: WordValue[] = [];
  const env: string[] = [];
  // Looked up once: per child, a command of thousands of arguments took seconds (n² lookups).
  const named = node.childForFieldName("name") !== null;
  const args = new Set(node.childrenForFieldName("argument").map((arg) => arg.id));
  for (const child of node.children) {
    if (child.type === "variable_assignment" && words.length === 0) {
      env.push(child.text);
      out.assignments.push(child.text);
      for (const part of child.children) visit(part, out, depth, level + 2);
      continue;
    }
    if (child.type === "command_name") {
      const name = child.firstChild ?? child;
      const value = wordValue(name);
      if (!value.literal) {
        problem(out, `the program name "${clip(child.text)}" is only known when it runs`);
      } else if (/[*?[{}]/.test(name.text) && name.text !== "[" && name.text !== "[[") {
        problem(out, `the program name "${clip(child.text)}" is a pattern`);
      }
      words.push(value);
    } else if (named && args.has(child.id)) {
      words.push(wordValue(child));
    }
    visit(child, out, depth, level + 1);
  }
  addCommand(out, node.text, words, env, depth);
}

function visitDeclaration(node: Node, out: ShellAnalysis, depth: number, level: number): void {
  const words: WordValue[] = [];
  for (const child of node.children) {
    if (child.type === "variable_assignment") words.push({ text: child.text, literal: false });
    else if (child.isNamed && child.type !== "comment") words.push(wordValue(child));
    else if (!child.isNamed) words.push({ text: child.text, literal: true });
    visit(child, out, depth, level + 1);
  }
  addCommand(out, node.text, words, [], depth);
}

function addCommand(
  out: ShellAnalysis,
  text: string,
  values: WordValue[],
  env: string[],
  depth: number,
): void {
  const command: SimpleCommand = {
    words: values.map((v) => v.text),
    literal: values.map((v) => v.literal),
    env,
    text,
    inner: [],
  };
  for (const variant of commandVariants(command)) {
    out.assignments.push(...envAssignments(variant.words));
    const reason = opaqueReason(variant.words);
    if (reason) problem(out, reason);
    const script = innerScript(variant.words, variant.literal);
    if (script !== null && command.inner.length === 0 && depth < MAX_INNER_DEPTH) {
      command.inner.push(analyze(script, depth + 1));
    }
  }
  out.commands.push(command);
}

/** `env NAME=value cmd` sets variables just like a `NAME=value cmd` prefix. */
function envAssignments(words: readonly string[]): string[] {
  if (words[0]?.slice(words[0].lastIndexOf("/") + 1) !== "env") return [];
  const found: string[] = [];
  for (let i = 1; i < words.length; i++) {
    const word = words[i];
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) found.push(word);
    else if (/^(-u|-C|--unset|--chdir)$/.test(word)) i++;
    else if (!word.startsWith("-")) break;
  }
  return found;
}

function recordRedirect(node: Node, out: ShellAnalysis): void {
  const operator = node.children.find((c) => !c.isNamed)?.text ?? "";
  const destination = node.childrenForFieldName("destination");
  if (destination.length === 0) return;
  const value = destination.length === 1
    ? wordValue(destination[0])
    : { text: destination.map((d) => d.text).join(" "), literal: false };
  // `2>&1`, `>&-`: duplicating or closing a descriptor touches no file.
  if (operator.endsWith("&") && /^(\d+|-)$/.test(value.text)) return;
  out.redirections.push({
    operator,
    target: value.text,
    literal: value.literal,
    direction: operator.startsWith("<") && operator !== "<>" ? "in" : "out",
  });
}

function clip(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 40 ? `${line.slice(0, 40)}...` : line;
}
