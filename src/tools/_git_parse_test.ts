import assert from "node:assert/strict";
import { parseBlame, parseLog, parseNumstat, parseStatus } from "./_git_parse.ts";

Deno.test("parseStatus reads branch headers, renames, conflicts and untracked files", () => {
  const out = [
    "# branch.oid 1111111111111111111111111111111111111111",
    "# branch.head main",
    "# branch.upstream origin/main",
    "# branch.ab +2 -1",
    "1 .M N... 100644 100644 100644 aaa aaa app/a file.txt",
    "2 R. N... 100644 100644 100644 bbb bbb R100 app/new.txt",
    "app/old.txt",
    "u UU N... 100644 100644 100644 100644 c1 c2 c3 app/both.txt",
    "? app/n.txt",
    "? other/x.txt",
    "",
  ].join("\0");
  const status = parseStatus(out, "app/");
  assert.equal(status.branch, "main");
  assert.equal(status.upstream, "origin/main");
  assert.deepEqual([status.ahead, status.behind], [2, 1]);
  assert.deepEqual(status.unstaged, [{ path: "a file.txt", code: "M" }]);
  assert.deepEqual(status.staged, [{ path: "new.txt", from: "old.txt", code: "R" }]);
  assert.deepEqual(status.conflicted, ["both.txt"]);
  assert.deepEqual(status.untracked, ["n.txt", "other/x.txt"]);
});

Deno.test("parseNumstat reads counts, binary files and renames", () => {
  const out = "3\t1\ta.txt\0-\t-\tlogo.png\0" + "0\t0\t\0old name.txt\0new name.txt\0";
  assert.deepEqual(parseNumstat(out), [
    { path: "a.txt", additions: 3, deletions: 1 },
    { path: "logo.png", additions: null, deletions: null },
    { path: "new name.txt", from: "old name.txt", additions: 0, deletions: 0 },
  ]);
});

Deno.test("parseLog splits records and fields, keeping separators out of subjects", () => {
  const out = "h1\x1fAnn\x1fa@x\x1f2024-01-02T03:04:05+00:00\x1fFix: a, b\x1e\n" +
    "h2\x1fBo\x1fb@x\x1f2024-01-01T00:00:00+00:00\x1f\x1e\n";
  assert.deepEqual(parseLog(out).map((e) => [e.hash, e.author, e.subject]), [
    ["h1", "Ann", "Fix: a, b"],
    ["h2", "Bo", ""],
  ]);
});

Deno.test("parseBlame reuses commit details given only on a commit's first line", () => {
  const h1 = "a".repeat(40);
  const h2 = "b".repeat(40);
  const out = [
    `${h1} 1 1 1`,
    "author Ann",
    "author-time 86400",
    "filename f",
    "\tfirst",
    `${h2} 2 2 1`,
    "author Bo",
    "author-time 0",
    "filename f",
    "\tsecond",
    `${h1} 3 3`,
    "\tthird",
    "",
  ].join("\n");
  assert.deepEqual(parseBlame(out).map((l) => [l.line, l.author, l.date, l.text]), [
    [1, "Ann", "1970-01-02", "first"],
    [2, "Bo", "1970-01-01", "second"],
    [3, "Ann", "1970-01-02", "third"],
  ]);
});
