// Syntax highlighting for fenced code: highlight.js tokenises, we map its classes to ANSI.
import hljs from "highlight.js/lib/common";
import type { Style } from "./ansi.ts";

type Paint = (text: string) => string;

function paintFor(scope: string, style: Style): Paint | undefined {
  const base = scope.split(/[ .]/)[0].replace(/^hljs-/, "");
  switch (base) {
    case "keyword":
    case "built_in":
    case "selector-tag":
    case "doctag":
      return style.magenta;
    case "string":
    case "regexp":
    case "addition":
    case "attribute":
    case "symbol":
      return style.green;
    case "number":
    case "literal":
    case "variable":
    case "template-variable":
      return style.yellow;
    case "comment":
    case "quote":
    case "meta":
      return style.gray;
    case "title":
    case "function":
    case "section":
      return style.blue;
    case "type":
    case "class":
    case "params":
      return style.cyan;
    case "deletion":
      return style.red;
    default:
      return undefined;
  }
}

const ENTITIES: Record<string, string> = {
  "&amp;": "&",
  "&lt;": "<",
  "&gt;": ">",
  "&quot;": '"',
  "&#x27;": "'",
  "&#39;": "'",
};

function decode(text: string): string {
  return text.replace(/&(?:amp|lt|gt|quot|#x27|#39);/g, (m) => ENTITIES[m] ?? m);
}

/** True when highlight.js knows `lang` (a name or alias such as `ts`, `sh`, `py`). */
export function isKnownLanguage(lang: string): boolean {
  return lang !== "" && hljs.getLanguage(lang) !== undefined;
}

/** Highlighted blocks are at most this long, and their lines at most MAX_LINE. */
const MAX_CODE = 200_000;
const MAX_LINE = 1_000;

/**
 * False for code highlight.js could spend seconds on, that no one reads in colour anyway: a huge
 * block, or a very long line (its JavaScript grammar took 2.6 s on one line of 50,000 characters
 * after a slash, and the time grows with the square of the line).
 */
function worthHighlighting(code: string): boolean {
  if (code.length > MAX_CODE) return false;
  for (let start = 0; start < code.length;) {
    const end = code.indexOf("\n", start);
    if ((end < 0 ? code.length : end) - start > MAX_LINE) return false;
    if (end < 0) break;
    start = end + 1;
  }
  return true;
}

/**
 * Highlights `code` and returns one painted string per source line; each line opens and closes
 * its own colours, so lines can be printed one at a time. Unknown languages and a colourless
 * style give the lines unchanged.
 */
export function highlightLines(code: string, lang: string, style: Style): string[] {
  if (!style.color || !isKnownLanguage(lang) || !worthHighlighting(code)) return code.split("\n");
  const html = hljs.highlight(code, { language: lang, ignoreIllegals: true }).value;
  const lines: string[] = [];
  const stack: (Paint | undefined)[] = [];
  let line = "";
  const paintText = (text: string) => {
    const p = stack.findLast((x) => x !== undefined);
    return p ? p(text) : text;
  };
  for (const piece of html.split(/(<span class="[^"]*">|<\/span>)/)) {
    if (piece.startsWith("<span")) {
      stack.push(paintFor(piece.slice(13, -2), style));
    } else if (piece === "</span>") {
      stack.pop();
    } else if (piece !== "") {
      const parts = decode(piece).split("\n");
      parts.forEach((part, i) => {
        if (i > 0) {
          lines.push(line);
          line = "";
        }
        line += paintText(part);
      });
    }
  }
  lines.push(line);
  return lines;
}
