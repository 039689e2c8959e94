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

/**
 * `count` summed over `text` cut into pieces so that no run longer than MAX_RUN reaches it whole:
 * one pass over the characters (a regex for long runs retried from each character of every
 * shorter one), and one piece, the whole text, when no run is that long.
 */
export function countByRuns(text: string, count: (piece: string) => number): number {
  let total = 0;
  let from = 0;
  let runStart = 0;
  let runSpace = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const space = isSpace(code);
    if (i === 0 || space !== runSpace) {
      runSpace = space;
      runStart = i;
    } else if (i - runStart >= MAX_RUN && i - from >= MAX_RUN && !isLowSurrogate(code)) {
      // Not between the halves of a surrogate pair: each half alone would count as U+FFFD.
      total += count(text.slice(from, i));
      from = i;
    }
  }
  return total + count(from === 0 ? text : text.slice(from));
}

/** Whitespace as JavaScript's \s reads it (controls below the space count too: a break is a break). */
function isSpace(code: number): boolean {
  return code <= 0x20 || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 ||
    code === 0xfeff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
