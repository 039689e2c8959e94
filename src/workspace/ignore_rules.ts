import ignore from "ignore";
import { join } from "node:path";
import { refuseSpecialFile } from "../core/mod.ts";

/** The ignore files read in every directory, lowest precedence first (as ripgrep orders them). */
export const IGNORE_FILES = [".gitignore", ".ignore", ".rgignore"] as const;

/** Directory names never walked or searched, whatever the options. */
export const ALWAYS_SKIPPED = new Set([".git", ".loom"]);

/** The rules of one directory, matched against paths relative to it. */
export interface DirRules {
  /** Project-relative POSIX dir ("." for the root). */
  base: string;
  matcher: Matcher | null;
}

type Matcher = (path: string) => { ignored: boolean; unignored: boolean };

/** Each directory's rules, read (synchronously, once) from its ignore files. */
export class IgnoreRules {
  readonly root: string;
  #cache = new Map<string, DirRules>();

  constructor(root: string) {
    this.root = root;
  }

  /**
   * The rules of `dirRel`. `present` names the ignore files known to exist there (from a
   * directory listing); without it every candidate is tried.
   */
  rulesOf(dirRel: string, present?: Set<string>): DirRules {
    let rules = this.#cache.get(dirRel);
    if (rules === undefined) {
      rules = this.#load(dirRel, present);
      this.#cache.set(dirRel, rules);
    }
    return rules;
  }

  /** Rules for every directory from the root down to `dirRel`, root first. */
  chainTo(dirRel: string): DirRules[] {
    const chain = [this.rulesOf(".")];
    if (dirRel === "." || dirRel === "") return chain;
    const parts = dirRel.split("/");
    for (let i = 1; i <= parts.length; i++) {
      chain.push(this.rulesOf(parts.slice(0, i).join("/")));
    }
    return chain;
  }

  #load(dirRel: string, present?: Set<string>): DirRules {
    const dirAbs = dirRel === "." ? this.root : join(this.root, dirRel);
    const texts: string[] = [];
    if (dirRel === ".") texts.push(readOrEmpty(join(this.root, ".git", "info", "exclude")));
    for (const name of IGNORE_FILES) {
      if (present !== undefined && !present.has(name)) continue;
      texts.push(readOrEmpty(join(dirAbs, name)));
    }
    const text = texts.join("\n");
    if (text.trim() === "") return { base: dirRel, matcher: null };
    return { base: dirRel, matcher: compile(text) };
  }
}

/**
 * True when `rel` (project-relative) is ignored by `chain` (root first). The deepest directory
 * with a matching rule decides, and within one directory the last matching rule wins.
 */
export function isIgnoredBy(chain: readonly DirRules[], rel: string, isDir: boolean): boolean {
  for (let i = chain.length - 1; i >= 0; i--) {
    const { base, matcher } = chain[i];
    if (matcher === null) continue;
    const local = base === "." ? rel : rel.slice(base.length + 1);
    const result = matcher(isDir ? local + "/" : local);
    if (result.ignored) return true;
    if (result.unignored) return false;
  }
  return false;
}

/** True for a dot-named path segment (ripgrep's idea of hidden). */
export function isHiddenName(name: string): boolean {
  return name.startsWith(".") && name !== "." && name !== "..";
}

/**
 * Compiles rules into a matcher for one path, without re-testing its parent directories: the
 * walker never enters an ignored directory, so that work (the public `test`) is wasted. The
 * per-path tester is internal to `ignore` (pinned version); the public API is the fallback.
 */
function compile(text: string): Matcher {
  const ig = ignore({ ignorecase: false }).add(text);
  const rules = (ig as unknown as { _rules?: { test?: unknown } })._rules;
  if (rules !== undefined && typeof rules.test === "function") {
    const test = rules.test as (
      path: string,
      mode: string,
    ) => Matcher extends (p: string) => infer R ? R : never;
    return (path) => test.call(rules, path, "regex");
  }
  return (path) => ig.test(path);
}

function readOrEmpty(path: string): string {
  try {
    refuseSpecialFile(path, "read");
    return Deno.readTextFileSync(path);
  } catch {
    return "";
  }
}
