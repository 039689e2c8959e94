// Unified diffs of file changes, shown to the model (file_edit, file_write) and to the person (the
// REPL, under each write): only the changed region is diffed, and never past a deadline.
import { FILE_HEADERS_ONLY, formatPatch, structuredPatch } from "diff";

/** A unified diff of two texts with line counts, or undefined when the diff is too costly. */
export function diffTexts(
  rel: string,
  oldText: string,
  newText: string,
): { patch: string; added: number; removed: number } | undefined {
  // Only the changed region is diffed: lines common to both ends, beyond the context, are cut
  // off first and the hunks moved back into place. A one-line edit of a large file stays cheap.
  const cut = trimCommonLines(oldText, newText, DIFF_CONTEXT);
  const patch = structuredPatch(rel, rel, cut.oldText, cut.newText, undefined, undefined, {
    context: DIFF_CONTEXT,
    timeout: 2000,
  });
  if (patch === undefined) return undefined;
  for (const hunk of patch.hunks) {
    hunk.oldStart += cut.skipped;
    hunk.newStart += cut.skipped;
  }
  let added = 0;
  let removed = 0;
  for (const hunk of patch.hunks) {
    for (const line of hunk.lines) {
      if (line.startsWith("+")) added++;
      else if (line.startsWith("-")) removed++;
    }
  }
  return { patch: formatPatch(patch, FILE_HEADERS_ONLY), added, removed };
}

const DIFF_CONTEXT = 3;

/**
 * Both texts without the lines they share at the start and at the end, keeping `context` of
 * them on each side; `skipped` counts the lines cut from the start. Cut ends always end lines,
 * so no "no newline at end of file" marker appears unless the real end is kept.
 */
export function trimCommonLines(
  oldText: string,
  newText: string,
  context: number,
): { oldText: string; newText: string; skipped: number } {
  const a = oldText.split("\n");
  const b = newText.split("\n");
  // The last segments (after the final newline) are compared only as part of the common end.
  const limit = Math.min(a.length, b.length) - 1;
  let head = 0;
  while (head < limit && a[head] === b[head]) head++;
  let tail = 0;
  if (a[a.length - 1] === b[b.length - 1]) {
    while (tail < limit - head && a[a.length - 2 - tail] === b[b.length - 2 - tail]) tail++;
  }
  const skipped = Math.max(0, head - context);
  const dropTail = Math.max(0, tail - context);
  if (skipped === 0 && dropTail === 0) return { oldText, newText, skipped: 0 };
  const keep = (lines: string[]) =>
    dropTail === 0
      ? lines.slice(skipped).join("\n")
      : lines.slice(skipped, lines.length - 1 - dropTail).join("\n") + "\n";
  return { oldText: keep(a), newText: keep(b), skipped };
}
