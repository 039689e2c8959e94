// A real tokenizer (o200k, as GPT-4o/GPT-5 use); close enough to budget for other families too.
import { countTokens as countO200k } from "gpt-tokenizer/encoding/o200k_base";

/** Tokens in `text` by the o200k encoding. Special-token text is counted as plain text. */
export function countTokens(text: string): number {
  return countO200k(text, { disallowedSpecial: new Set() });
}
