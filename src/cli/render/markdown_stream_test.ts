import { deepEqual, ok } from "node:assert/strict";
import { stripAnsi, type TerminalInfo } from "./ansi.ts";
import { createMarkdownStream, renderMarkdown } from "./markdown_stream.ts";

const tty: TerminalInfo = { isTty: true, color: true, columns: 60 };
const plainTty: TerminalInfo = { isTty: true, color: false, columns: 60 };

const SAMPLE = `# Plan

Use **bold**, *italic*, \`code\` and [docs](https://example.com).

- first
  - nested
1. one
2. two

\`\`\`ts
const answer = 42; // the answer
\`\`\`

| name | size |
|------|------|
| a.ts | 10 |
| bb.ts | 2000 |
`;

function collect(terminal: TerminalInfo, chunks: string[]): string {
  let out = "";
  const stream = createMarkdownStream(terminal, (t) => out += t);
  for (const c of chunks) stream.push(c);
  stream.end();
  return out;
}

Deno.test("the streaming renderer prints the same text whatever the delta boundaries", () => {
  const whole = collect(tty, [SAMPLE]);
  deepEqual(collect(tty, [...SAMPLE]), whole);
  deepEqual(collect(tty, SAMPLE.match(/.{1,7}/gs)!), whole);
});

Deno.test("markdown renders headings, emphasis, lists, code and tables as terminal text", () => {
  const out = renderMarkdown(SAMPLE, tty);
  const plain = stripAnsi(out);
  ok(out.includes("\x1b[1m"), "bold is painted");
  ok(!plain.includes("**") && !plain.includes("# Plan"), plain);
  ok(plain.includes("• first"), plain);
  ok(plain.includes("  • nested"), plain);
  ok(plain.includes("1. one"), plain);
  ok(plain.includes("docs https://example.com"), plain);
  ok(out.includes("\x1b[35mconst\x1b[39m"), "the TypeScript keyword is highlighted");
  ok(!plain.includes("```"), "fences are not printed");
  const rows = plain.split("\n").filter((l) => l.includes("│") && l.includes(".ts"));
  deepEqual(rows.map((r) => r.indexOf("│")), [6, 6], "table columns line up");
});

Deno.test("a code block is printed line by line before its fence closes", () => {
  let out = "";
  const stream = createMarkdownStream(tty, (t) => out += t);
  stream.push("```python\nprint('hi')\nx = 1");
  ok(stripAnsi(out).includes("print('hi')"), "the completed line is out");
  ok(!stripAnsi(out).includes("x = 1"), "the incomplete line is held");
  const before = out;
  stream.push("\n```\nafter\n");
  ok(out.startsWith(before), "nothing printed is redrawn");
  ok(stripAnsi(out).includes("x = 1") && stripAnsi(out).endsWith("after\n"));
});

Deno.test("a multi-line comment keeps its colour on its later lines", () => {
  const out = renderMarkdown("```js\n/* one\ntwo */ let x;\n```\n", tty);
  const second = out.split("\n").find((l) => stripAnsi(l).includes("two"))!;
  ok(second.includes("\x1b[90mtwo */\x1b[39m"), JSON.stringify(second));
});

Deno.test("NO_COLOR gives structure without escape codes", () => {
  const out = renderMarkdown(SAMPLE, plainTty);
  deepEqual(out, stripAnsi(out));
  ok(out.includes("# Plan") && out.includes("`code`") && out.includes("• first"), out);
});

Deno.test("long lines wrap at the terminal width, list items with a hanging indent", () => {
  const narrow: TerminalInfo = { isTty: true, color: true, columns: 24 };
  const text = "- a list item long enough to wrap over several narrow lines\n" +
    "plain prose that also goes on for longer than twenty-four columns\n";
  const lines = stripAnsi(renderMarkdown(text, narrow)).split("\n").filter(Boolean);
  ok(lines.length > 4, lines.join("\n"));
  for (const l of lines) ok(l.length <= 24, `too wide: ${JSON.stringify(l)}`);
  ok(lines[1].startsWith("  ") && !lines[1].startsWith("   "), lines.join("\n"));
});

Deno.test("output that is not a terminal passes through as written, at once", () => {
  let out = "";
  const stream = createMarkdownStream({ isTty: false, color: false, columns: 80 }, (t) => out += t);
  stream.push("# Ti");
  deepEqual(out, "# Ti", "no line buffering for pipes");
  stream.push("tle\n**x**");
  stream.end();
  deepEqual(out, "# Title\n**x**");
});

Deno.test("lines of a million characters render in one pass each", () => {
  // A heading's lazy text, a fence's info string and a table's delimiter test were patterns
  // that backtracked across the line: 25 s for all three at 100,000 characters, and the time grew
  // with the square of the line (three quarters of an hour here).
  const gap = " ".repeat(1_000_000);
  const out = stripAnsi(collect(plainTty, [
    `# Title${gap}##\n`,
    `\`\`\`${gap}\`\n`,
    `| a |\n| -${gap}x |\n| b |\n`,
  ]));
  ok(out.startsWith("# Title\n"), out.slice(0, 40));
  ok(out.includes("b"), "the table's last row is printed");
});

Deno.test("a code block with a very long line is printed plain, not highlighted for minutes", () => {
  // highlight.js's JavaScript grammar took 2.6 s on one 50,000-character line after a slash,
  // growing with the square of the line: this one would take about ten minutes.
  const line = `/${"a".repeat(400_000)}`;
  const out = collect(tty, ["```js\n", `${line}\n`, "const x = 1;\n", "```\n"]);
  ok(stripAnsi(out).includes(line));
  ok(!out.includes("\x1b[35mconst\x1b[39m"), "the block is left plain");
});

Deno.test("a paragraph of hundreds of thousands of emphasis markers prints as it is, at once", () => {
  // marked's emphasis took 3 s on 80,000 characters of this, growing with the square.
  const line = "*a".repeat(200_000);
  const out = collect(plainTty, [`${line}\n`]);
  ok(out.replaceAll("\n", "").includes(line.slice(0, 1000)));
});
