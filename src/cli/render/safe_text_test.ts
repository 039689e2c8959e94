import { equal, ok } from "node:assert/strict";
import { createStyle } from "./ansi.ts";
import { safeExact, safeText } from "./safe_text.ts";

// deno-lint-ignore no-control-regex
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

Deno.test("safeText shows terminal control sequences instead of letting the terminal run them", () => {
  const table: [string, string, string][] = [
    ["window title (OSC 0)", "a\x1b]0;pwned\x07b", "a\\x1b]0;pwned\\x07b"],
    ["clipboard write (OSC 52)", "\x1b]52;c;cm0gLXJm\x07", "\\x1b]52;c;cm0gLXJm\\x07"],
    [
      "hyperlink (OSC 8)",
      "\x1b]8;;https://evil.example\x1b\\docs\x1b]8;;\x1b\\",
      "\\x1b]8;;https://evil.example\\x1b\\docs\\x1b]8;;\\x1b\\",
    ],
    ["conceal", "safe\x1b[8m; rm -rf ~", "safe\\x1b[8m; rm -rf ~"],
    ["clear screen and cursor moves", "\x1b[2J\x1b[1;1H\x1b[2K", "\\x1b[2J\\x1b[1;1H\\x1b[2K"],
    ["a lone carriage return overwrites the line", "rm -rf ~\rls", "rm -rf ~\\rls"],
    ["C1 CSI (U+009B) and NEL (U+0085)", "a\u009b2Jb\u0085c", "a\\x9b2Jb\\x85c"],
    ["NUL, backspace, bell, DEL", "a\x00b\x08c\x07d\x7f", "a\\x00b\\x08c\\x07d\\x7f"],
    ["vertical tab and form feed", "a\x0bb\x0cc", "a\\x0bb\\x0cc"],
    ["bidi override (Trojan Source)", "if (x \u202E} {\u202C)", "if (x <U+202E>} {<U+202C>)"],
    ["bidi isolates", "a\u2066b\u2067c\u2068d\u2069", "a<U+2066>b<U+2067>c<U+2068>d<U+2069>"],
    ["embeddings", "\u202A\u202B\u202D", "<U+202A><U+202B><U+202D>"],
  ];
  for (const [name, input, want] of table) equal(safeText(input), want, name);
});

Deno.test("safeText keeps newlines, tabs, CRLF, emoji sequences and other prose whole", () => {
  const kept = [
    "line one\n\tindented\r\nwindows line",
    "family 👨‍👩‍👧 and flag 🏳️‍🌈 and 🏴󠁧󠁢󠁳󠁣󠁴󠁿",
    "soft\u00ADhyphen, zero\u200Bwidth and non-breaking\u00A0space stay in prose",
    "עברית \u200F and العربية",
    "naïve café — “quotes” ‘ok’ … 日本語",
  ];
  for (const text of kept) equal(safeText(text), text);
});

Deno.test("safeText with oneLine shows line breaks as \\n", () => {
  equal(safeText("title\nsecond\r\nthird\tx", { oneLine: true }), "title\\nsecond\\r\\nthird\tx");
});

Deno.test("safeExact also shows zero-width, tag, soft hyphen and other invisible characters", () => {
  const table: [string, string, string][] = [
    ["zero-width space", "rm\u200B -rf", "rm<U+200B> -rf"],
    ["zero-width joiner and non-joiner", "a\u200Cb\u200Dc", "a<U+200C>b<U+200D>c"],
    ["word joiner and BOM", "\uFEFFls\u2060", "<U+FEFF>ls<U+2060>"],
    ["soft hyphen", "cu\u00ADrl", "cu<U+00AD>rl"],
    ["Unicode tags (ASCII smuggling)", "ok\u{E0041}\u{E0042}", "ok<U+E0041><U+E0042>"],
    ["bidi marks", "a\u200Eb\u200Fc\u061C", "a<U+200E>b<U+200F>c<U+061C>"],
    ["variation selector and Hangul filler", "x\uFE0Fy\u3164", "x<U+FE0F>y<U+3164>"],
    ["no-break and ideographic spaces", "a\u00A0b\u3000c\u2028d", "a<U+00A0>b<U+3000>c<U+2028>d"],
    ["controls as in safeText", "ls\x1b[8m; curl x|sh", "ls\\x1b[8m; curl x|sh"],
    ["bidi override", "git push \u202Eniam", "git push <U+202E>niam"],
  ];
  for (const [name, input, want] of table) equal(safeExact(input), want, name);
});

Deno.test("safeExact keeps ASCII, tabs and visible non-ASCII letters as they are", () => {
  const kept = ["git commit -m 'fix: naïve café'\tok", "src/日本語/файл.ts", "echo ✓ 😀"];
  for (const text of kept) equal(safeExact(text), text);
  equal(safeExact("echo a\necho b"), "echo a\necho b");
  equal(safeExact("echo a\necho b", { oneLine: true }), "echo a\\necho b");
});

Deno.test("text sanitised in pieces comes out as if sanitised whole, even cut at an ESC", () => {
  const text = "before\x1b]52;c;Zm9v\x07 mid \u202E rev\x1b[2J\u009bend";
  for (let cut = 0; cut <= text.length; cut++) {
    const pieces = safeText(text.slice(0, cut)) + safeText(text.slice(cut));
    equal(pieces, safeText(text), `cut at ${cut}`);
    ok(!RAW_CONTROL.test(pieces) && !pieces.includes("\x1b"), `no raw control at cut ${cut}`);
  }
});

Deno.test("Loom's own styling added after sanitising still reaches the terminal", () => {
  const style = createStyle(true);
  const painted = style.red(safeText("evil\x1b[0m"));
  equal(painted, "\x1b[31mevil\\x1b[0m\x1b[39m");
  // Sanitising is not for Loom's own output: styled text passed again would lose its colours.
  ok(safeText(painted).startsWith("\\x1b[31m"));
});
