import assert from "node:assert/strict";
import { isLoomError } from "../core/mod.ts";
import { compileSearchRegex, isBacktrackSafe, onlyLineFeedEndsLines, toJsRegex } from "./_regex.ts";
import { lineAnchors, toRe2Syntax } from "./_search_re2.ts";

Deno.test("toJsRegex translates the ripgrep syntax that JavaScript spells differently", () => {
  const table: [string, string, string][] = [
    ["(?i)foo", "foo", "i"],
    ["(?is)a.b", "a.b", "is"],
    ["(?P<word>\\w+) (?P=word)", "(?<word>\\w+) \\k<word>", ""],
    ["[[:alpha:]_][[:digit:]]+", "[a-zA-Z_][0-9]+", ""],
    ["\\pL+\\PN", "\\p{L}+\\P{N}", ""],
    ["\\x{1F600}", "\\u{1F600}", ""],
    ["\\Afoo\\z", "(?<![\\s\\S])foo(?![\\s\\S])", ""],
    ["\\\\A literal backslash", "\\\\A literal backslash", ""],
  ];
  for (const [rust, source, flags] of table) {
    assert.deepEqual(toJsRegex(rust, {}), { source, flags }, rust);
  }
});

Deno.test("compileSearchRegex refuses a line break outside multiline mode, as rg does", () => {
  assert.throws(
    () => compileSearchRegex("a\\nb", { caseInsensitive: false, multiline: false }),
    (err) => isLoomError(err, "INVALID_INPUT") && /multiline/.test(err.message),
  );
  const re = compileSearchRegex("a\\nb", { caseInsensitive: false, multiline: true });
  assert.ok(re.test("a\nb"));
});

Deno.test("compileSearchRegex falls back to non-Unicode mode for escapes only it accepts", () => {
  const re = compileSearchRegex("a\\-b", { caseInsensitive: true, multiline: false });
  assert.ok(re.test("A-B"));
  assert.throws(
    () => compileSearchRegex("(unclosed", { caseInsensitive: false, multiline: false }),
    (err) =>
      isLoomError(err, "INVALID_INPUT") && err.message.startsWith('Cannot search "(unclosed": '),
  );
});

Deno.test("onlyLineFeedEndsLines leaves character classes and escapes alone", () => {
  assert.equal(
    onlyLineFeedEndsLines("^a.[^.$]\\.$", false),
    "(?<![^\\n])a[^\\n][^.$]\\.(?![^\\n])",
  );
  assert.equal(onlyLineFeedEndsLines("a.b", true), "a.b");
  const re = compileSearchRegex("foo$", { caseInsensitive: false, multiline: false });
  assert.equal(re.test("foo\r\n"), false);
});

const LINE = { caseInsensitive: false, multiline: false };

Deno.test("compileSearchRegex sends every pattern that can backtrack badly to re2js, literal ones to V8", () => {
  const risky = [
    "(a+)+$", // Nested quantifiers.
    "(\\w+\\s?)+$",
    "(a|aa)+$", // A quantified alternation.
    "(.*a){12}",
    "(x+x+)+y",
    "\\w+x", // One quantifier: quadratic on a long line.
    "a*a*a*b", // Adjacent overlapping quantifiers.
    "a?b",
    "x{3}",
    "(a|a)(a|a)(a|a)(a|a)b", // Choices that multiply, without any quantifier.
    "(?i)(a|b)(c|d)",
    "a(?i)b", // A flag mid-pattern.
    "\\p{Greek}", // Braces, even in an escape.
    "[*]",
  ];
  for (const pattern of risky) {
    assert.equal(isBacktrackSafe(pattern), false, pattern);
    assert.equal(compileSearchRegex(pattern, LINE).engine, "re2", pattern);
  }
  const literal = ["foo", "(?i)foo", "\\bFoo\\b", "foo|bar|baz", "foo(bar|baz)", "^$", "a.c"];
  for (const pattern of literal) {
    assert.equal(isBacktrackSafe(pattern), true, pattern);
    assert.equal(compileSearchRegex(pattern, LINE).engine, "v8", pattern);
  }
});

Deno.test("compileSearchRegex refuses look-around and backreferences, as rg does", () => {
  const lookAround = ["(?=a)", "a(?!b)", "(?<=a)b", "(?<!a)b", "x(?=(a+)+$)"];
  for (const pattern of lookAround) {
    assert.throws(
      () => compileSearchRegex(pattern, LINE),
      (err) =>
        isLoomError(err, "INVALID_INPUT") &&
        err.message.startsWith(`Cannot search "${pattern}": look-around is not supported; `),
      pattern,
    );
  }
  for (const pattern of ["(a)\\1", "(?P<w>a) (?P=w)", "(?<w>a)\\k<w>"]) {
    assert.throws(
      () => compileSearchRegex(pattern, LINE),
      (err) =>
        isLoomError(err, "INVALID_INPUT") &&
        err.message.startsWith(`Cannot search "${pattern}": backreferences are not supported; `),
      pattern,
    );
  }
  assert.throws(
    () => compileSearchRegex("a\\e+", LINE),
    (err) =>
      isLoomError(err, "INVALID_INPUT") && /invalid escape sequence: `\\e`/.test(err.message),
  );
});

Deno.test("the re2js engine finds matches with ripgrep's line semantics", () => {
  const re = compileSearchRegex("(b+)+$", LINE);
  assert.equal(re.engine, "re2");
  assert.deepEqual(re.find("abb\nbbc\nxb\r\n", 0), { start: 1, end: 3 });
  assert.equal(re.find("abb\nbbc\nxb\r\n", 4), null, "$ matches before a line feed only");
  const start = compileSearchRegex("^b+", LINE);
  assert.equal(start.find("ab", 1), null, "^ looks at the text before the start offset");
  assert.deepEqual(start.find("a\nbb", 1), { start: 2, end: 4 });
  assert.equal(compileSearchRegex("x.+y", LINE).test("x\ny"), false);
  assert.ok(
    compileSearchRegex("\\u0066o+", { caseInsensitive: true, multiline: false }).test("FOO"),
  );
  assert.ok(compileSearchRegex("x\\s+y", LINE).test("x\u00a0y"), "\\s is Unicode, as in rg");
  assert.ok(compileSearchRegex("a+\\z", LINE).test("aa\nb"), "\\z ends a line outside multiline");
  assert.equal(compileSearchRegex("a+\\z", { ...LINE, multiline: true }).test("aa\nb"), false);
  const empty = compileSearchRegex("x*", LINE);
  assert.deepEqual(empty.find("ab", 2), { start: 2, end: 2 });
  assert.equal(empty.find("ab", 3), null);
});

Deno.test("toRe2Syntax spells rg's \\u escapes and Unicode \\s the way RE2 reads them", () => {
  const ws = "\\x09-\\x0D\\x20\\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}" +
    "\\x{202F}\\x{205F}\\x{3000}";
  const table: [string, string][] = [
    ["\\u0041\\u{1F600}\\U0001F600", "\\x{0041}\\x{1F600}\\x{0001F600}"],
    ["\\\\u0041", "\\\\u0041"],
    ["a\\sb\\S", `a[${ws}]b[^${ws}]`],
    ["[\\s,][^\\S]", `[${ws},][^\\S]`],
    ["[[:space:]\\s]", `[[:space:]${ws}]`],
    ["[]\\s]", `[]${ws}]`],
    ["\\\\s", "\\\\s"],
  ];
  for (const [rg, re2] of table) assert.equal(toRe2Syntax(rg), re2, rg);
  assert.equal(lineAnchors("\\Afoo\\z|\\\\A"), "^foo$|\\\\A");
});
