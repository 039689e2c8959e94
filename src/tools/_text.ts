import { cutText } from "../core/mod.ts";

const SNIFF_BYTES = 8192;
const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** Magic numbers of common binary formats: [name, offset, bytes]. */
const SIGNATURES: [string, number, number[]][] = [
  ["png", 0, [0x89, 0x50, 0x4e, 0x47]],
  ["jpeg", 0, [0xff, 0xd8, 0xff]],
  ["gif", 0, [0x47, 0x49, 0x46, 0x38]],
  ["pdf", 0, [0x25, 0x50, 0x44, 0x46]],
  ["zip", 0, [0x50, 0x4b, 0x03, 0x04]],
  ["gzip", 0, [0x1f, 0x8b]],
  ["bzip2", 0, [0x42, 0x5a, 0x68]],
  ["xz", 0, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ["zstd", 0, [0x28, 0xb5, 0x2f, 0xfd]],
  ["7z", 0, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
  ["elf", 0, [0x7f, 0x45, 0x4c, 0x46]],
  ["wasm", 0, [0x00, 0x61, 0x73, 0x6d]],
  ["sqlite", 0, [...new TextEncoder().encode("SQLite format 3"), 0]],
  ["java class", 0, [0xca, 0xfe, 0xba, 0xbe]],
  ["mach-o", 0, [0xcf, 0xfa, 0xed, 0xfe]],
  ["windows executable", 0, [0x4d, 0x5a]],
  ["webp", 8, [0x57, 0x45, 0x42, 0x50]],
  ["wav", 8, [0x57, 0x41, 0x56, 0x45]],
  ["ogg", 0, [0x4f, 0x67, 0x67, 0x53]],
  ["flac", 0, [0x66, 0x4c, 0x61, 0x43]],
  ["mp3", 0, [0x49, 0x44, 0x33]],
  ["mp4", 4, [0x66, 0x74, 0x79, 0x70]],
  ["woff", 0, [0x77, 0x4f, 0x46, 0x46]],
  ["woff2", 0, [0x77, 0x4f, 0x46, 0x32]],
  ["tar", 257, [0x75, 0x73, 0x74, 0x61, 0x72]],
  ["utf-16 text", 0, [0xff, 0xfe]],
  ["utf-16 text", 0, [0xfe, 0xff]],
];

/** The name of the binary format `bytes` starts with, or undefined. */
export function guessBinaryType(bytes: Uint8Array): string | undefined {
  for (const [name, offset, magic] of SIGNATURES) {
    if (bytes.length >= offset + magic.length && magic.every((b, i) => bytes[offset + i] === b)) {
      return name;
    }
  }
  return undefined;
}

/** A type guess when `bytes` look binary (NUL early, or invalid UTF-8 with a known signature). */
export function sniffBinary(bytes: Uint8Array, validUtf8: boolean): string | undefined {
  const guess = guessBinaryType(bytes);
  if (bytes.subarray(0, SNIFF_BYTES).includes(0)) return guess ?? "unknown binary";
  return validUtf8 ? undefined : guess;
}

/** Decoded text of a file: the text without its BOM, and whether there was one. */
export interface DecodedText {
  text: string;
  bom: boolean;
  /** True when every byte is ASCII: each character of `text` is then exactly one byte. */
  ascii: boolean;
}

// Reused: decode() without { stream: true } starts afresh on every call.
const LENIENT = new TextDecoder("utf-8", { ignoreBOM: true });
const STRICT = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Strict UTF-8 decode keeping track of a BOM; undefined when the bytes are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): DecodedText | undefined {
  const bom = UTF8_BOM.every((b, i) => bytes[i] === b);
  const body = bom ? bytes.subarray(3) : bytes;
  // The lenient decoder is ~8x faster than the fatal one here. It replaces every invalid sequence
  // with U+FFFD, so a text without one is valid; only a text with one (an invalid sequence, or a
  // real U+FFFD) needs the strict decoder's verdict. Valid UTF-8 is as many characters as bytes
  // only when every byte is ASCII (multi-byte sequences decode to fewer units).
  const text = LENIENT.decode(body);
  if (!text.includes("\uFFFD")) return { text, bom, ascii: text.length === body.length };
  try {
    STRICT.decode(body);
  } catch {
    return undefined;
  }
  return { text, bom, ascii: false };
}

/** Encodes text back to bytes, restoring a BOM when the original had one. */
export function encodeUtf8(text: string, bom: boolean): Uint8Array {
  const body = new TextEncoder().encode(text);
  if (!bom) return body;
  const out = new Uint8Array(body.length + 3);
  out.set(UTF8_BOM);
  out.set(body, 3);
  return out;
}

/** Line-ending style: "crlf" when every newline is CRLF, "mixed" when some are. */
export function detectEol(text: string): "lf" | "crlf" | "mixed" {
  // Scans without splitting: a split allocates a string per line of a large file.
  if (!text.includes("\r\n")) return "lf";
  for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", nl + 1)) {
    if (nl === 0 || text.charCodeAt(nl - 1) !== 13) return "mixed";
  }
  return "crlf";
}

/** Splits text into lines the way editors count them (a final newline ends the last line). */
export function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** `1234567` → `"1,234,567"`. */
export function formatCount(n: number): string {
  // A regex instead of toLocaleString: ICU formatting is slow on the file_read hot path.
  return Number.isInteger(n) && Math.abs(n) < 1e21
    ? String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",")
    : n.toLocaleString("en-US");
}

/** `plural(1, "line")` → `"1 line"`, `plural(2000, "line")` → `"2,000 lines"`. */
export function plural(n: number, word: string): string {
  return `${formatCount(n)} ${word}${n === 1 ? "" : "s"}`;
}

/** Start offsets of the non-overlapping occurrences of `needle` in `text`, left to right. */
export function findAll(text: string, needle: string): number[] {
  const found: number[] = [];
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) {
    found.push(at);
  }
  return found;
}

/** 1-based line numbers of ascending offsets in `text`. */
export function lineNumbersOf(text: string, offsets: number[]): number[] {
  const lines: number[] = [];
  let line = 1;
  let from = 0;
  for (const offset of offsets) {
    for (
      let nl = text.indexOf("\n", from);
      nl !== -1 && nl < offset;
      nl = text.indexOf("\n", from)
    ) {
      line++;
      from = nl + 1;
    }
    lines.push(line);
  }
  return lines;
}

/** Why `needle` may have missed, for a NO_MATCH message: a fix to try, then the closest lines. */
export function explainMiss(text: string, needle: string): { hint: string; closest: string } {
  const lines = needle.split("\n").filter((l) => l.trim() !== "");
  let hint = "copy old_string exactly from file_read output";
  if (lines.length > 0 && lines.every((l) => /^\s*\d+\t/.test(l))) {
    hint = "old_string seems to include file_read's line-number prefixes; remove them";
  } else {
    const at = looseIndex(text, needle);
    if (at >= 0) {
      const [line] = lineNumbersOf(text, [at]);
      hint = `it matches at line ${line} if whitespace is ignored; copy the exact whitespace`;
    }
  }
  const first = (lines[0] ?? "").trim();
  const scored = splitLines(text)
    .map((line, i) => ({
      n: i + 1,
      line,
      score: similarity(first.slice(0, 500), line.trim().slice(0, 500)),
    }))
    .filter((c) => c.score >= 0.5)
    .sort((a, b) => b.score - a.score || a.n - b.n)
    .slice(0, 3);
  const closest = scored
    .map((c) => `${String(c.n).padStart(6)}\t${cutText(c.line.replace(/\r$/, ""), 200)}`)
    .join("\n");
  return { hint, closest };
}

/**
 * Where `needle` occurs in `text` when every run of whitespace counts as one space (its words in
 * order, any spacing between them), or -1. Both are flattened and searched with indexOf: linear,
 * where a regex of the words joined by `\s+` took seconds on repetitive text and a long needle.
 */
function looseIndex(text: string, needle: string): number {
  const wanted = needle.trim().replace(/\s+/g, " ");
  if (wanted === "") return -1;
  const found = text.replace(/\s+/g, " ").indexOf(wanted);
  if (found < 0) return -1;
  // Back to an index in `text`: walk it as the flattening did.
  const space = /\s+/g;
  let flat = 0;
  let at = 0;
  for (let run = space.exec(text); run !== null; run = space.exec(text)) {
    if (flat + (run.index - at) > found) break;
    flat += run.index - at;
    if (flat === found) return run.index;
    flat += 1;
    at = run.index + run[0].length;
  }
  return at + (found - flat);
}

/** Dice coefficient of character bigrams: 1 for equal strings, 0 for nothing in common. */
function similarity(a: string, b: string): number {
  if (a === b) return a === "" ? 0 : 1;
  if (a.length < 2 || b.length < 2) return 0;
  const grams = new Map<string, number>();
  for (let i = 0; i < a.length - 1; i++) {
    const g = a.slice(i, i + 2);
    grams.set(g, (grams.get(g) ?? 0) + 1);
  }
  let shared = 0;
  for (let i = 0; i < b.length - 1; i++) {
    const g = b.slice(i, i + 2);
    const count = grams.get(g) ?? 0;
    if (count > 0) {
      shared++;
      grams.set(g, count - 1);
    }
  }
  return (2 * shared) / (a.length - 1 + b.length - 1);
}
