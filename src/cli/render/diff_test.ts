import { equal } from "node:assert/strict";
import { createStyle } from "./ansi.ts";
import { renderDiff } from "./diff.ts";

const PATCH = [
  "--- src/a.ts",
  "+++ src/a.ts",
  "@@ -1,2 +1,2 @@",
  " keep",
  "-old",
  "+new",
  "\\ No newline at end of file",
].join("\n");

Deno.test("diff lines are coloured by kind: headers bold, hunks cyan, + green, - red", () => {
  const lines = renderDiff(PATCH, createStyle(true)).split("\n");
  const table: [number, string][] = [
    [0, "\x1b[1m--- src/a.ts\x1b[22m"],
    [1, "\x1b[1m+++ src/a.ts\x1b[22m"],
    [2, "\x1b[36m@@ -1,2 +1,2 @@\x1b[39m"],
    [3, " keep"],
    [4, "\x1b[31m-old\x1b[39m"],
    [5, "\x1b[32m+new\x1b[39m"],
    [6, "\x1b[90m\\ No newline at end of file\x1b[39m"],
  ];
  for (const [i, want] of table) equal(lines[i], want, `line ${i}`);
});

Deno.test("without colour a diff comes back exactly as given", () => {
  equal(renderDiff(PATCH, createStyle(false)), PATCH);
});
