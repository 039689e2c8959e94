// A real tokenizer (o200k, as GPT-4o/GPT-5 use); close enough to budget for other families too.
import { countTokens as countO200k } from "gpt-tokenizer/encoding/o200k_base";

const PLAIN = { disallowedSpecial: new Set<string>() };

/** Tokens in `text` by the o200k encoding. Special-token text is counted as plain text. */
export function countTokens(text: string): number {
  return countByRuns(text, (piece) => countO200k(piece, PLAIN));
}

/**
 * The longest run without a break (all non-space, or all space) handed to the tokenizer whole.
 * BPE merges within each piece its pre-splitting leaves, at a cost that grows with the square of
 * the piece: 100,000 letters in a row take seconds, a megabyte minutes (a minified bundle, a
 * base64 blob, a file made to stall a tool that reads it). Such runs are counted in pieces of this
 * many characters: a token may then end at a piece's edge where the whole run would have merged
 * across it, so such text counts within a fraction of a percent of exact (0.2% more on minified
 * code). Text without such runs is counted exactly.
 */
export const MAX_RUN = 512;
const LONG_RUN = new RegExp(`\\S{${MAX_RUN + 1},}|\\s{${MAX_RUN + 1},}`, "g");

/** `count` summed over `text` with every run longer than MAX_RUN cut into MAX_RUN pieces. */
export function countByRuns(text: string, count: (piece: string) => number): number {
  LONG_RUN.lastIndex = 0;
  let run = LONG_RUN.exec(text);
  if (run === null) return count(text);
  let total = 0;
  let from = 0;
  while (run !== null) {
    if (run.index > from) total += count(text.slice(from, run.index));
    const end = run.index + run[0].length;
    for (let at = run.index; at < end;) {
      let next = Math.min(at + MAX_RUN, end);
      // Not between the halves of a surrogate pair: each half alone would count as U+FFFD.
      if (next < end && isLowSurrogate(text.charCodeAt(next))) next--;
      total += count(text.slice(at, next));
      at = next;
    }
    from = end;
    run = LONG_RUN.exec(text);
  }
  if (from < text.length) total += count(text.slice(from));
  return total;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
