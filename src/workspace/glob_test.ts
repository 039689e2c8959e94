import assert from "node:assert/strict";
import { compileGlobs, globToRegex } from "./glob.ts";

const PATHS = [
  "a.ts",
  "b.ts",
  "x.ts",
  "a*.ts",
  "a.d.ts",
  "a.tsx",
  "src",
  "src/a.ts",
  "src/z.js",
  "src/deep/x.ts",
  "src/deep/more/y.ts",
  "lib/z.js",
  "docs/readme.md",
  "docs/sub/kept.txt",
  "docs/a/b/c.txt",
  ".env",
  "conf/.env.local",
  "a/b",
  "a/x/b",
  "a/x/y/b",
  "xy",
  "xzzy",
  "x/y",
  "1.log",
  "12a.log",
  "]x",
  "-x",
  "bx",
  "{a,b",
  "[abc",
  "q/test/r/s",
];

/** What each glob matches among PATHS, as rg's -g (globset) reads it. */
const TABLE: [string, string[]][] = [
  ["*.ts", ["a.ts", "b.ts", "x.ts", "a*.ts", "a.d.ts"]],
  ["?.ts", ["a.ts", "b.ts", "x.ts"]],
  ["[!ab].ts", ["x.ts"]],
  ["[ab].ts", ["a.ts", "b.ts"]],
  ["a\\*.ts", ["a*.ts"]],
  ["*.{ts,tsx}", ["a.ts", "b.ts", "x.ts", "a*.ts", "a.d.ts", "a.tsx"]],
  ["*.{a,{d.ts,tsx}}", ["a.d.ts", "a.tsx"]],
  ["src/*", ["src/a.ts", "src/z.js"]],
  ["src/**", ["src", "src/a.ts", "src/z.js", "src/deep/x.ts", "src/deep/more/y.ts"]],
  ["src/**/*.ts", ["src/a.ts", "src/deep/x.ts", "src/deep/more/y.ts"]],
  ["**/*.md", ["docs/readme.md"]],
  ["docs/*/*.txt", ["docs/sub/kept.txt"]],
  ["a/**/b", ["a/b", "a/x/b", "a/x/y/b"]],
  ["**/test/**", ["q/test/r/s"]],
  ["{src,lib}/*.js", ["src/z.js", "lib/z.js"]],
  ["x**y", ["xy", "xzzy"]],
  ["**/.env*", [".env", "conf/.env.local"]],
  ["[]]x", ["]x"]],
  ["[-a]x", ["-x"]],
  // A POSIX class, as picomatch read it before (rg's globset has none).
  ["[[:digit:]]*.log", ["1.log", "12a.log"]],
  // Left open: literal.
  ["{a,b", ["{a,b"]],
  ["[abc", ["[abc"]],
];

/**
 * A glob no path matches (paths hold no NUL) whose two stars in one component send the whole set
 * to RE2: with it, the same globs are matched by the other engine.
 */
const FORCE_RE2 = "\u0000*\u0000*";

Deno.test("globs match as rg's -g reads them, on both engines", () => {
  for (const [glob, expected] of TABLE) {
    for (const globs of [[glob], [glob, FORCE_RE2]]) {
      const match = compileGlobs(globs);
      assert.deepEqual(PATHS.filter((p) => match(p)), expected, `${globs} → ${globToRegex(glob)}`);
    }
  }
  // Case folding for deny rules, on both engines.
  for (const globs of [["secrets/**"], ["secrets/**", FORCE_RE2]]) {
    assert.equal(compileGlobs(globs, { nocase: true })("Secrets/KEY"), true);
    assert.equal(compileGlobs(globs)("Secrets/KEY"), false);
  }
});

Deno.test("a glob made to make a backtracking matcher run for hours is answered at once", () => {
  // picomatch's regex took 8 s for ten `a*` against this name, over a minute for twelve.
  const name = `src/${"a".repeat(60)}.ts`;
  assert.equal(compileGlobs([`${"a*".repeat(40)}b`])(name), false);
  assert.equal(compileGlobs([`${"a*".repeat(40)}.ts`])(name.slice(4)), true);
  assert.equal(compileGlobs([`${"**/".repeat(200)}b`])("a/".repeat(300) + "c"), false);
  // Braces left open thousands of times over are read once each, not once per brace before them.
  assert.equal(compileGlobs(["{".repeat(3000)])("{".repeat(3000)), true);
  assert.equal(compileGlobs(["{a,".repeat(1000)])("{a,".repeat(1000)), true);
});

Deno.test("a glob longer than any real one is refused with a clear error", () => {
  assert.throws(
    () => compileGlobs(["*".repeat(5000)]),
    /Cannot use a glob of 5000 characters \(at most 4096\)/,
  );
});
