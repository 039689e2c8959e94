// Tool call ids as each API accepts them. A session keeps the ids its providers minted, but a
// session can change model (`/model`, `--model` on resume): Anthropic wants ids of letters,
// digits, `_` and `-`; OpenAI takes at most 40 characters; Mistral (its API, and servers running
// its chat template) wants exactly nine letters or digits. An id the next API would refuse is
// sent under a stand-in derived from it alone, so a call and its result keep matching and the
// request prefix stays byte-identical from call to call (prompt caching).
import { createHash } from "node:crypto";

/** The id rules of one API. */
export type ToolIdRule = "anthropic" | "openai" | "mistral";

/** True when every character of `id` is a letter or a digit, or `_` or `-` when `dashes`. */
function hasOnly(id: string, dashes: boolean): boolean {
  // A loop rather than a regex: this runs for each call in each request, and a rarely run regex
  // may be compiled again after each garbage collection.
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    const ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) ||
      (dashes && (c === 95 || c === 45));
    if (!ok) return false;
  }
  return true;
}
const OPENAI_MAX = 40;
const DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * The id to send for `id` under `rule`: `id` itself when the API accepts it, else a stand-in
 * made from a hash of it.
 *
 * @example wireToolId("toolu_01AbC", "mistral") // nine letters and digits, the same every time
 */
export function wireToolId(id: string, rule: ToolIdRule): string {
  switch (rule) {
    case "anthropic":
      return id !== "" && hasOnly(id, true) ? id : `toolu_${digest(id, 22)}`;
    case "openai":
      return id !== "" && id.length <= OPENAI_MAX ? id : `call_${digest(id, 22)}`;
    case "mistral":
      return id.length === 9 && hasOnly(id, false) ? id : digest(id, 9);
  }
}

/** `length` letters and digits from the SHA-256 of `id` (9 of them: about 2^53 values). */
function digest(id: string, length: number): string {
  const bytes = createHash("sha256").update(id).digest();
  let out = "";
  for (let i = 0; i < length; i++) out += DIGITS[bytes[i] % DIGITS.length];
  return out;
}
