// Text every JSON parser takes. A JavaScript string may hold a lone UTF-16 surrogate (half of an
// emoji, from a `\ud83d` escape a model or an MCP client sent); JSON.stringify writes it as that
// escape, and strict parsers refuse the whole document: Anthropic's API ("no low surrogate in
// string", on every later request of the session, since history is resent) and Rust's serde_json
// (Zed, Codex). What Loom sends goes through here, each lone surrogate becoming U+FFFD.

/** `text` with each lone surrogate replaced by U+FFFD (the same string when there is none). */
export function wellFormed(text: string): string {
  return text.isWellFormed() ? text : text.toWellFormed();
}

// JSON.stringify escapes a surrogate only when it is lone, in lower-case hex; `\\` pairs are
// matched first so an escaped backslash followed by "ud800" stays text.
const LONE = /\\\\|\\ud[89a-f][0-9a-f]{2}/g;

/**
 * JSON text from JSON.stringify, with each lone surrogate replaced by U+FFFD: the same as
 * stringifying the value with `wellFormed` applied to every string in it.
 *
 * @example wellFormedJson(JSON.stringify("a\ud83d")) === JSON.stringify("a\ufffd")
 */
export function wellFormedJson(json: string): string {
  if (!json.includes("\\ud")) return json;
  return json.replace(LONE, (match) => match.length === 2 ? match : "\ufffd");
}

/**
 * `value` (plain JSON data) with `wellFormed` applied to every string in it; the same object when
 * nothing needed it.
 */
export function wellFormedValue<T>(value: T): T {
  const json = JSON.stringify(value);
  const clean = wellFormedJson(json);
  return clean === json ? value : JSON.parse(clean);
}
