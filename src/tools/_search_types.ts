import { compileGlobs } from "../workspace/glob.ts";

/** What to print: matching file paths, per-file counts, or the matching lines. */
export type OutputMode = "files_with_matches" | "content" | "count";

/** One content search, after validation; the same for both engines. */
export interface SearchQuery {
  pattern: string;
  /** Project-relative start directory or file ("." for the root). */
  startRel: string;
  startIsDir: boolean;
  globs: string[];
  /** Basename globs of the chosen file types (empty: every file). */
  typeGlobs: string[];
  caseInsensitive: boolean;
  multiline: boolean;
  mode: OutputMode;
  before: number;
  after: number;
  includeHidden: boolean;
}

/** One printed line of a file: a match line or a context line. */
export interface ResultLine {
  n: number;
  text: string;
  match: boolean;
}

/** What an engine reports for one file with at least one match. */
export interface FileResult {
  path: string;
  /** Matching lines (multiline matches count once per group of touching lines, as rg -c does). */
  count: number;
  /** Only in content mode, sorted by line number. */
  lines: ResultLine[];
}

/** Where engines deliver results; returns nothing, keeps what the output needs. */
export type ResultSink = (file: FileResult) => void;

/** File types for `type` (like rg's -t), as basename globs. */
export const FILE_TYPES: Record<string, string[]> = {
  ts: ["*.ts", "*.tsx", "*.mts", "*.cts"],
  js: ["*.js", "*.jsx", "*.mjs", "*.cjs"],
  py: ["*.py", "*.pyi"],
  go: ["*.go"],
  rust: ["*.rs"],
  java: ["*.java"],
  kotlin: ["*.kt", "*.kts"],
  c: ["*.c", "*.h"],
  cpp: ["*.cpp", "*.cc", "*.cxx", "*.hpp", "*.hh", "*.hxx", "*.h"],
  cs: ["*.cs"],
  ruby: ["*.rb", "*.rake", "Gemfile", "Rakefile"],
  php: ["*.php"],
  swift: ["*.swift"],
  elixir: ["*.ex", "*.exs"],
  sh: ["*.sh", "*.bash", "*.zsh"],
  sql: ["*.sql"],
  md: ["*.md", "*.markdown", "*.mdx"],
  json: ["*.json", "*.jsonc"],
  yaml: ["*.yaml", "*.yml"],
  toml: ["*.toml"],
  html: ["*.html", "*.htm"],
  css: ["*.css", "*.scss", "*.sass", "*.less"],
  txt: ["*.txt"],
};

/** The names accepted by `type`. */
export const FILE_TYPE_NAMES = Object.keys(FILE_TYPES) as [string, ...string[]];

/** A glob as rg's `-g` reads it: no leading or trailing slash. */
export function normalizeGlob(glob: string): string {
  let g = glob.startsWith("/") ? glob.slice(1) : glob;
  if (g.endsWith("/")) g = g.slice(0, -1);
  return g;
}

/** Sorts by path the way both engines' results are ordered (plain code-unit order). */
export function byPath(a: { path: string }, b: { path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/**
 * A file filter with ripgrep's `-g` meaning: globs without a slash match the basename at any
 * depth, others are anchored at the root; `!glob` excludes (a matching directory excludes all
 * below it); with any positive glob, a file must match one. Type globs match the basename.
 */
export function createPathFilter(
  globs: string[],
  typeGlobs: string[],
): { file(rel: string): boolean; dir(rel: string): boolean } {
  const positive = globs.filter((g) => !g.startsWith("!"));
  const negative = globs.filter((g) => g.startsWith("!")).map((g) => g.slice(1));
  const isPositive = positive.length > 0 ? globMatcher(positive) : () => true;
  const isNegative = negative.length > 0 ? globMatcher(negative) : () => false;
  const isType = typeGlobs.length > 0 ? globMatcher(typeGlobs) : () => true;
  return {
    file: (rel) => !isNegative(rel) && isPositive(rel) && isType(rel),
    dir: (rel) => !isNegative(rel),
  };
}

/**
 * One matcher for many globs: slash-free ones test the basename, the others the whole path (a
 * leading slash anchors a glob at the root, as in rg: `/Makefile` is only the top one).
 */
export function globMatcher(globs: string[]): (rel: string) => boolean {
  const byName: string[] = [];
  const byPath: string[] = [];
  for (const glob of globs) {
    const normal = normalizeGlob(glob);
    (glob.startsWith("/") || normal.includes("/") ? byPath : byName).push(normal);
  }
  const name = byName.length > 0 ? compileGlobs(byName) : () => false;
  const path = byPath.length > 0 ? compileGlobs(byPath) : () => false;
  return (rel) => name(rel.slice(rel.lastIndexOf("/") + 1)) || path(rel);
}
