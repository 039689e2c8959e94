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
