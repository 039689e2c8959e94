import type { Style } from "./ansi.ts";
import { safeText } from "./safe_text.ts";

/**
 * Colours a unified diff: file headers bold, hunk headers cyan, additions green, removals red.
 * With a colourless style the text comes back unchanged but for control characters, which the
 * file's contents may hold and which are shown instead of sent to the terminal (see safeText).
 */
export function renderDiff(untrusted: string, style: Style): string {
  const patch = safeText(untrusted);
  if (!style.color) return patch;
  return patch.split("\n").map((line) => {
    if (line.startsWith("+++") || line.startsWith("---")) return style.bold(line);
    if (line.startsWith("@@")) return style.cyan(line);
    if (line.startsWith("+")) return style.green(line);
    if (line.startsWith("-")) return style.red(line);
    if (line.startsWith("\\") || line.startsWith("Index:") || line.startsWith("====")) {
      return style.gray(line);
    }
    return line;
  }).join("\n");
}
