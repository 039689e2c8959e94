// One markdown line (or a held-back table) to terminal text. The streaming renderer decides
// when a line is complete; this file only knows how to draw it.
import { Lexer, type Token } from "marked";
import wrapAnsi from "wrap-ansi";
import stringWidth from "string-width";
import type { Style } from "./ansi.ts";

/** How to draw: the paints and the width to wrap prose at. */
export interface LineContext {
  style: Style;
  width: number;
}

/** A code fence opener or closer: its indent, marker (``` or ~~~) and info string. */
export interface Fence {
  indent: number;
  marker: string;
  lang: string;
}

// Model output can hold lines of any length: none of these may backtrack across a line (a lazy
// `.*?` or neighbouring `\s*`s before `$` took seconds on a line of 100,000 spaces). What the
// patterns below leave out (a fence's info string, a heading's closing #s) is done in code.
const FENCE = /^( *)(`{3,}|~{3,})(.*)$/;
const HEADING = /^ {0,3}(#{1,6})\s+(.*)$/;
const RULE = /^ {0,3}([-*_])(?:\s*\1){2,}\s*$/;
const ITEM = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/;
const QUOTE = /^ {0,3}>\s?(.*)$/;
const TABLE_ROW = /^\s*\|.*\|\s*$/;

/** The fence a line opens, if any. */
export function parseFence(line: string): Fence | undefined {
  const m = FENCE.exec(line);
  // No backtick may follow the marker; the language is the first word after it.
  if (!m || m[3].includes("`")) return undefined;
  return { indent: m[1].length, marker: m[2], lang: /^\s*(\S*)/.exec(m[3])![1] };
}

/** A heading's text: without trailing space, or a closing run of `#` after a space. */
function headingText(raw: string): string {
  const text = raw.trimEnd();
  let end = text.length;
  while (end > 0 && text[end - 1] === "#") end--;
  return end < text.length && end > 0 && /\s/.test(text[end - 1])
    ? text.slice(0, end).trimEnd()
    : text;
}

/** True when `line` closes the code block opened by `open`. */
export function closesFence(line: string, open: Fence): boolean {
  const t = line.trim();
  return t.length >= open.marker.length && t === open.marker[0].repeat(t.length);
}

/** True for a `| a | b |` line; tables are held back until their last row. */
export function isTableRow(line: string): boolean {
  return TABLE_ROW.test(line);
}

/**
 * Longer text is printed as it is: marked's emphasis took 3 s on 80,000 characters of `*a*a…`,
 * growing with the square of the text, and no one reads such a line for its italics.
 */
const MAX_INLINE = 10_000;

/** Renders inline markdown (emphasis, code, links) to painted text. */
export function renderInline(text: string, style: Style): string {
  if (text.length > MAX_INLINE) return text;
  return inlineTokens(Lexer.lexInline(text), style);
}

function inlineTokens(tokens: Token[], style: Style): string {
  let out = "";
  for (const t of tokens) {
    const inner = "tokens" in t && Array.isArray(t.tokens)
      ? inlineTokens(t.tokens, style)
      : String("text" in t ? t.text : t.raw);
    switch (t.type) {
      case "strong":
        out += style.bold(inner);
        break;
      case "em":
        out += style.italic(inner);
        break;
      case "del":
        out += style.color ? style.strike(inner) : `~~${inner}~~`;
        break;
      case "codespan":
        out += style.color ? style.yellow(decodeEntities(t.text)) : `\`${decodeEntities(t.text)}\``;
        break;
      case "link":
      case "image": {
        const href = String(t.href);
        const label = inner === href ? "" : `${inner} `;
        out += `${label}${style.underline(style.blue(href.replace(/^mailto:/, "")))}`;
        break;
      }
      case "br":
        out += "\n";
        break;
      default:
        out += decodeEntities(inner);
    }
  }
  return out;
}

function decodeEntities(text: string): string {
  return text.replace(
    /&(amp|lt|gt|quot|#39);/g,
    (_m, e: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" })[e] ?? _m,
  );
}

function wrap(text: string, width: number, firstPrefix: string, restPrefix = firstPrefix) {
  const room = Math.max(10, width - stringWidth(restPrefix));
  const lines = wrapAnsi(text, room, { hard: true, trim: true }).split("\n");
  return lines.map((l, i) => (i === 0 ? firstPrefix : restPrefix) + l.trimEnd()).join("\n");
}

/** Renders one complete, non-code line; returns the terminal text without a trailing newline. */
export function renderLine(line: string, ctx: LineContext): string {
  const { style, width } = ctx;
  if (line.trim() === "") return "";
  if (RULE.test(line)) return style.gray("─".repeat(Math.max(3, Math.min(width, 80))));
  const heading = HEADING.exec(line);
  if (heading) {
    const level = heading[1].length;
    const text = renderInline(headingText(heading[2]), style);
    if (!style.color) return wrap(text, width, `${heading[1]} `);
    const painted = level <= 2 ? style.bold(style.cyan(text)) : style.bold(text);
    return wrap(level === 1 ? style.underline(painted) : painted, width, "");
  }
  const item = ITEM.exec(line);
  if (item) {
    const indent = " ".repeat(item[1].replace(/\t/g, "  ").length);
    const ordered = /\d/.test(item[2]);
    let body = item[3];
    let bullet = ordered ? item[2] : "•";
    const task = /^\[([ xX])\]\s+/.exec(body);
    if (task) {
      bullet = task[1] === " " ? "☐" : "☑";
      body = body.slice(task[0].length);
    }
    const marker = `${indent}${ordered ? bullet : style.cyan(bullet)} `;
    return wrap(renderInline(body, style), width, marker, " ".repeat(stringWidth(marker)));
  }
  const quote = QUOTE.exec(line);
  if (quote) {
    const bar = style.gray("│ ");
    const inner = renderLine(quote[1], { style, width: width - 2 });
    return inner.split("\n").map((l) => bar + l).join("\n");
  }
  const lead = /^\s*/.exec(line)![0];
  return wrap(renderInline(line.trim(), style), width, lead);
}

function splitCells(row: string): string[] {
  const inner = row.trim().replace(/^\|/, "").replace(/\|$/, "");
  return inner.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, "|"));
}

/** Renders table rows (header, delimiter, body) with aligned columns. */
export function renderTable(rows: string[], ctx: LineContext): string {
  const { style } = ctx;
  // Only spaces, pipes, colons and dashes (with one dash at least).
  const isDelimiter = (r: string) => /^[\s:|-]+$/.test(r) && r.includes("-");
  const cells = rows.filter((r) => !isDelimiter(r)).map((r) =>
    splitCells(r).map((c) => renderInline(c, style))
  );
  const columns = Math.max(...cells.map((r) => r.length));
  const widths = Array.from(
    { length: columns },
    (_, i) => Math.max(...cells.map((r) => stringWidth(r[i] ?? ""))),
  );
  const hasHeader = rows.length > 1 && isDelimiter(rows[1]);
  const out: string[] = [];
  cells.forEach((row, ri) => {
    const padded = widths.map((w, i) => {
      const c = row[i] ?? "";
      return c + " ".repeat(w - stringWidth(c));
    });
    out.push(padded.map((c) => ri === 0 && hasHeader ? style.bold(c) : c).join(style.gray(" │ ")));
    if (ri === 0 && hasHeader) {
      out.push(style.gray(widths.map((w) => "─".repeat(w)).join("─┼─")));
    }
  });
  return out.map((l) => l.trimEnd()).join("\n");
}
