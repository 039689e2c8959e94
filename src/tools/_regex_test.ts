import assert from "node:assert/strict";
import { isLoomError } from "../core/mod.ts";
import { compileSearchRegex, onlyLineFeedEndsLines, toJsRegex } from "./_regex.ts";

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
