/** Output cut to a byte cap, keeping the head and tail and saying how much was dropped. */
export interface CappedOutput {
  text: string;
  droppedBytes: number;
}

/**
 * Keeps the first and last halves of `bytes` when it exceeds `cap`, with a marker between.
 *
 * @example capOutput(new TextEncoder().encode("x".repeat(10)), 4).droppedBytes // 6
 */
export function capOutput(bytes: Uint8Array, cap: number): CappedOutput {
  const decoder = new TextDecoder();
  if (bytes.length <= cap) return { text: decoder.decode(bytes), droppedBytes: 0 };
  const half = Math.floor(cap / 2);
  const head = decoder.decode(bytes.subarray(0, half));
  const tail = decoder.decode(bytes.subarray(bytes.length - (cap - half)));
  const dropped = bytes.length - cap;
  return {
    text: `${head}\n[... ${dropped} bytes dropped ...]\n${tail}`,
    droppedBytes: dropped,
  };
}

/** Keeps at most `max` lines; returns the kept lines and how many were cut. */
export function truncateLines(lines: string[], max: number): { kept: string[]; cut: number } {
  if (lines.length <= max) return { kept: lines, cut: 0 };
  return { kept: lines.slice(0, max), cut: lines.length - max };
}

/**
 * True when `text` is empty or only white space. Most text starts with a printable ASCII
 * character and is settled there, without running a regex (which V8 may have to compile again
 * after a garbage collection, on the path of every turn).
 */
export function isBlank(text: string): boolean {
  const first = text.charCodeAt(0);
  return !(first > 32 && first < 127) && !/\S/.test(text);
}

const isHigh = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;
const isLow = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;

/**
 * The first `max` UTF-16 units of `text`, one fewer when the cut would split a surrogate pair: a
 * lone half of an emoji makes the JSON of a request one that strict parsers refuse.
 *
 * @example cutText("ab\u{1F600}", 3) // "ab"
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  return text.slice(0, max > 0 && isHigh(text.charCodeAt(max - 1)) ? max - 1 : Math.max(0, max));
}

/** The last `max` UTF-16 units of `text`, one fewer when the cut would split a surrogate pair. */
export function cutTextEnd(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return "";
  const start = text.length - max;
  return text.slice(isLow(text.charCodeAt(start)) ? start + 1 : start);
}
