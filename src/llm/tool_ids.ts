// Tool call ids as each API accepts them. A session keeps the ids its providers minted, but a
// session can change model (`/model`, `--model` on resume): Anthropic wants ids of letters,
// digits, `_` and `-`; OpenAI takes at most 40 characters; Mistral (its API, and servers running
// its chat template) wants exactly nine letters or digits. An id the next API would refuse is
// sent under a stand-in derived from it alone, so a call and its result keep matching and the
// request prefix stays byte-identical from call to call (prompt caching).
import { createHash } from "node:crypto";

/** The id rules of one API. */
export type ToolIdRule = "anthropic" | "openai" | "mistral";

const ANTHROPIC_ID = /^[A-Za-z0-9_-]+$/;
const MISTRAL_ID = /^[A-Za-z0-9]{9}$/;
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
      return ANTHROPIC_ID.test(id) ? id : `toolu_${digest(id, 22)}`;
    case "openai":
      return id !== "" && id.length <= OPENAI_MAX ? id : `call_${digest(id, 22)}`;
    case "mistral":
      return MISTRAL_ID.test(id) ? id : digest(id, 9);
  }
}

/** `length` letters and digits from the SHA-256 of `id` (9 of them: about 2^53 values). */
function digest(id: string, length: number): string {
  const bytes = createHash("sha256").update(id).digest();
  let out = "";
  for (let i = 0; i < length; i++) out += DIGITS[bytes[i] % DIGITS.length];
  return out;
}
