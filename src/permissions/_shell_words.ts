import type { Node } from "web-tree-sitter";

/** A word's value after quote removal; `literal` is false when it holds an expansion. */
export interface WordValue {
  text: string;
  literal: boolean;
}

/** Node types whose value is only known when the shell runs. */
const DYNAMIC = new Set([
  "simple_expansion",
  "expansion",
  "command_substitution",
  "process_substitution",
  "arithmetic_expansion",
  "ansi_c_string",
  "translated_string",
  "brace_expression",
]);

/**
 * The value bash would give a word node, as far as it can be known without running anything.
 *
 * @example `'r'm` → { text: "rm", literal: true }; `$X` → { text: "$X", literal: false }
 */
export function wordValue(node: Node): WordValue {
  switch (node.type) {
    case "word":
    case "number":
      return { text: unescapeBare(node.text), literal: true };
    case "raw_string":
      return { text: node.text.slice(1, -1), literal: true };
    case "string": {
      const literal = node.namedChildren.every((c) => c.type === "string_content");
      return { text: literal ? unescapeDouble(node.text.slice(1, -1)) : node.text, literal };
    }
    case "concatenation": {
      const parts = node.children.map(wordValue);
      return {
        text: parts.map((p) => p.text).join(""),
        literal: parts.every((p) => p.literal),
      };
    }
    default:
      return { text: node.text, literal: !DYNAMIC.has(node.type) && node.childCount === 0 };
  }
}

/** Unquoted backslashes: `\x` is `x`, and a backslash-newline disappears. */
function unescapeBare(text: string): string {
  return text.replace(/\\(\n|[\s\S])/g, (_, ch: string) => (ch === "\n" ? "" : ch));
}

/** Inside double quotes a backslash only escapes `$`, backquote, `"`, `\` and newline. */
function unescapeDouble(text: string): string {
  return text.replace(/\\([$`"\\\n])/g, (_, ch: string) => (ch === "\n" ? "" : ch));
}

/** Shells and interpreters of shell text: what they run cannot be judged from the outside. */
const SHELLS = new Set([
  "sh",
  "bash",
  "zsh",
  "dash",
  "ksh",
  "mksh",
  "fish",
  "csh",
  "tcsh",
  "busybox",
]);
/** Builtins that run text as code or change what later names mean. */
const OPAQUE = new Map<string, string>([
  ["eval", "runs its arguments as shell code"],
  ["exec", "replaces the shell with another program"],
  ["source", "runs a script file"],
  [".", "runs a script file"],
  ["alias", "defines an alias"],
  ["trap", "runs shell code on a signal"],
  ["hash", "changes which program a name runs"],
  ["enable", "loads or toggles builtins"],
  ["read", "assigns shell variables"],
  ["mapfile", "assigns shell variables"],
  ["readarray", "assigns shell variables"],
  ["declare", "assigns shell variables"],
  ["typeset", "assigns shell variables"],
  ["export", "assigns environment variables"],
  ["local", "assigns shell variables"],
  ["readonly", "assigns shell variables"],
  ["let", "assigns shell variables"],
  ["fc", "re-runs history"],
]);

/** Why a command (already peeled of wrappers by the caller) cannot be judged, or null. */
export function opaqueReason(words: readonly string[]): string | null {
  const name = words[0];
  if (name === undefined) return null;
  const base = name.slice(name.lastIndexOf("/") + 1);
  if (SHELLS.has(base)) return `"${base}" runs shell code that cannot be checked`;
  const reason = OPAQUE.get(base);
  if (reason) return `"${base}" ${reason}`;
  if (base === "printf" && words.some((w) => w === "-v" || w.startsWith("-v"))) {
    return `"printf -v" assigns shell variables`;
  }
  if (base === "env" && words.some((w) => w === "-S" || w.startsWith("--split-string"))) {
    return `"env -S" runs a string as a command`;
  }
  return null;
}

/** The script a `sh -c SCRIPT` or `eval ARGS` call runs, when it is spelled out literally. */
export function innerScript(words: readonly string[], literal: readonly boolean[]): string | null {
  const base = words[0]?.slice(words[0].lastIndexOf("/") + 1);
  if (base === "eval") {
    const args = words.slice(1);
    return literal.slice(1).every((l) => l !== false) ? args.join(" ") : null;
  }
  if (base === undefined || !SHELLS.has(base)) return null;
  for (let i = 1; i < words.length; i++) {
    if (/^-[A-Za-z]*c[A-Za-z]*$/.test(words[i])) {
      return i + 1 < words.length && literal[i + 1] !== false ? words[i + 1] : null;
    }
  }
  return null;
}
