import type { Style } from "./ansi.ts";

/**
 * Colours a unified diff: file headers bold, hunk headers cyan, additions green, removals red.
 * With a colourless style the text comes back unchanged.
 */
export function renderDiff(patch: string, style: Style): string {
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
