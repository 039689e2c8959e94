// Untrusted text made safe to print: terminal control characters and the invisible or reordering
// characters that make what a person sees differ from what a program gets are shown as visible
// escapes (`\x1b`, `\r`, `<U+202E>`) instead of being acted on by the terminal. Every function
// works character by character, so text may be sanitised in pieces: an ESC at the end of one
// piece is replaced like any other. Sanitise before adding Loom's own styling.

/** How the text will be shown. */
export interface SafeTextOptions {
  /** Show line breaks as `\n` so the text stays on one line. */
  oneLine?: boolean;
}

// C0 controls (\t and \n apart), a lone \r, DEL, C1 controls, bidi embeddings/overrides and
// isolates. \r\n is matched whole so a Windows line ending stays a line ending.
// deno-lint-ignore no-control-regex
const PROSE = /\r\n|[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

// All of the above, plus every format character (zero-width, tags, soft hyphen, bidi marks),
// every default-ignorable code point (variation selectors, Hangul fillers), lone surrogates and
// whitespace other than ASCII's (no-break and ideographic spaces, line separators).
// Built on first use: its Unicode property classes cost ~1 ms to compile, which every command
// printing prose (`loom graph context`, say) would otherwise pay at start-up.
let exact: RegExp | undefined;
const EXACT = () =>
  exact ??= new RegExp(
    "\\r\\n|[\\x00-\\x08\\x0a-\\x1f\\x7f-\\x9f\\p{Cf}\\p{Default_Ignorable_Code_Point}\\p{Cs}]|" +
      "(?![\\x00-\\x7f])\\p{White_Space}",
    "gu",
  );

function hex(cp: number, digits: number): string {
  return cp.toString(16).padStart(digits, "0");
}

function visible(ch: string, oneLine: boolean): string {
  if (ch === "\n" || ch === "\r\n") {
    if (!oneLine) return ch;
    return ch === "\n" ? "\\n" : "\\r\\n";
  }
  if (ch === "\r") return "\\r";
  const cp = ch.codePointAt(0)!;
  if (cp < 0xa0) return `\\x${hex(cp, 2)}`;
  return `<U+${hex(cp, 4).toUpperCase()}>`;
}

/**
 * Prose and program output: control characters (ESC, C1, a lone `\r`, DEL…) and bidi
 * overrides/isolates become visible; `\n`, `\t` and everything else (emoji joined with U+200D
 * included) are kept.
 *
 * @example safeText("ok\x1b]0;pwned\x07") === "ok\\x1b]0;pwned\\x07"
 */
export function safeText(text: string, options: SafeTextOptions = {}): string {
  const oneLine = options.oneLine ?? false;
  return text.replace(PROSE, (ch) => visible(ch, oneLine));
}

/**
 * Text a person approves or must read exactly (commands, paths, URLs): what `safeText` shows,
 * plus every invisible format character (zero-width, tags, soft hyphen…) and non-ASCII
 * whitespace as `<U+XXXX>`.
 *
 * @example safeExact("rm\u200b -rf", { oneLine: true }) === "rm<U+200B> -rf"
 */
export function safeExact(text: string, options: SafeTextOptions = {}): string {
  const oneLine = options.oneLine ?? false;
  return text.replace(EXACT(), (ch) => visible(ch, oneLine));
}
