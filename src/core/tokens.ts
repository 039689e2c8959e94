/**
 * A cheap token estimate: about four characters per token, counted in code points so that
 * non-Latin text is not undercounted. A later issue may swap in a real tokenizer.
 *
 * @example estimateTokens("hello world!") // 3
 */
export function estimateTokens(text: string): number {
  if (text.length === 0) return 0;
  let units = 0;
  for (const ch of text) units += ch.charCodeAt(0) < 0x80 ? 1 : 3;
  return Math.ceil(units / 4);
}
