import assert from "node:assert/strict";
import { createTempProject } from "../../tests/_lib/project.ts";
import { loadProjectRules, parseRulesDetailed, parseRulesMarkdown } from "./rules.ts";

const LOOM_MD = [
  "# Project", // 1
  "", // 2
  "Use tabs. Run tests before committing.", // 3
  "", // 4
  "## Allowed Operations", // 5
  "", // 6
  "- Shell: npm test, npm run *", // 7
  "* file write: src/**, docs/*.md", // 8
  "File Write Denied: secrets/**", // 9
  "FILE READ DENIED: .env, *.pem", // 10
  "Shell:git status", // 11
  "", // 12
  "## Style", // 13
  "Prefer small functions.", // 14
].join("\n");

Deno.test("parseRulesMarkdown reads the Allowed Operations section into rules and the rest into instructions", () => {
  const rules = parseRulesMarkdown(LOOM_MD, "LOOM.md");
  assert.deepEqual(rules.shell, ["npm test", "npm run *", "git status"]);
  assert.deepEqual(rules.fileWrite, ["src/**", "docs/*.md"]);
  assert.deepEqual(rules.fileWriteDenied, ["secrets/**"]);
  assert.deepEqual(rules.fileReadDenied, [".env", "*.pem"]);
  assert.deepEqual(rules.errors, []);
  assert.deepEqual(rules.instructions, [{
    source: "LOOM.md",
    text:
      "# Project\n\nUse tabs. Run tests before committing.\n\n## Style\nPrefer small functions.",
  }]);
});

Deno.test("parseRulesDetailed lists the widening lines with their line numbers", () => {
  const { widening } = parseRulesDetailed(LOOM_MD, "LOOM.md");
  assert.deepEqual(widening.map((w) => [w.line, w.kind, w.text]), [
    [7, "shell", "Shell: npm test, npm run *"],
    [8, "fileWrite", "file write: src/**, docs/*.md"],
    [11, "shell", "Shell:git status"],
  ]);
});

Deno.test("malformed rule lines become errors with their line numbers and add no rule", () => {
  const text = [
    "## Allowed Operations", // 1
    "Shell: npm test", // 2
    "Network: example.com", // 3
    "File Write:", // 4
    "File Write: src/[abc", // 5
    "just some words", // 6
    "File Read Denied: a\0b", // 7
    "File Write Denied: , ,", // 8
    "# Next", // 9
    "Network: outside the section is only text", // 10
  ].join("\n");
  const rules = parseRulesMarkdown(text, "LOOM.md");
  assert.deepEqual(rules.errors.map((e) => [e.file, e.line]), [
    ["LOOM.md", 3],
    ["LOOM.md", 4],
    ["LOOM.md", 5],
    ["LOOM.md", 6],
    ["LOOM.md", 7],
    ["LOOM.md", 8],
  ]);
  assert.match(
    rules.errors[0].message,
    /^Cannot use rule "Network: example\.com": unknown key "Network"/,
  );
  assert.match(rules.errors[1].message, /no patterns after the colon/);
  assert.match(rules.errors[2].message, /"src\/\[abc" is not a valid glob/);
  assert.match(rules.errors[4].message, /NUL/);
  assert.deepEqual(rules.shell, ["npm test"]);
  assert.deepEqual(rules.fileWrite, []);
  assert.deepEqual(rules.fileReadDenied, []);
  assert.deepEqual(rules.instructions, [{
    source: "LOOM.md",
    text: "# Next\nNetwork: outside the section is only text",
  }]);
});

Deno.test("a LOOM.md holding only rules gives no instruction entry", () => {
  const rules = parseRulesMarkdown("## Allowed Operations\nShell: make\n", "LOOM.md");
  assert.deepEqual(rules.instructions, []);
  assert.deepEqual(rules.shell, ["make"]);
});

Deno.test("AGENTS.md and CLAUDE.md add instructions but never rules", async () => {
  await using project = await createTempProject({
    "LOOM.md": "Be brief.\n## Allowed Operations\nFile Read Denied: .env\n",
    "AGENTS.md": "Agents text.\n## Allowed Operations\nShell: rm -rf *\n",
    "CLAUDE.md": "  Claude text.  \n",
  });
  const { rules, files } = await loadProjectRules(project.root);
  assert.deepEqual(rules.instructions, [
    { source: "LOOM.md", text: "Be brief." },
    { source: "AGENTS.md", text: "Agents text.\n## Allowed Operations\nShell: rm -rf *" },
    { source: "CLAUDE.md", text: "Claude text." },
  ]);
  assert.deepEqual(rules.shell, []);
  assert.deepEqual(rules.fileReadDenied, [".env"]);
  assert.deepEqual(files, ["LOOM.md", "AGENTS.md", "CLAUDE.md"].map(project.path));
});

Deno.test("a project without rule files has empty rules", async () => {
  await using project = await createTempProject({ "README.md": "hi" });
  const { rules, files } = await loadProjectRules(project.root);
  assert.deepEqual(rules.instructions, []);
  assert.deepEqual(rules.errors, []);
  assert.deepEqual(files, []);
});

Deno.test("a LOOM.md line with a long run of spaces is read in one pass", () => {
  // A cloned repository's LOOM.md is read at every start: a heading pattern with two \s* around
  // #* retried every split of the run (about 1 s for 50,000 spaces, hours for a megabyte).
  const gap = " ".repeat(1_000_000);
  const rules = parseRulesMarkdown(
    `## Allowed Operations${gap}x\nShell: rm -rf /\n## Allowed Operations${gap}##\nShell: npm test\n`,
    "LOOM.md",
  );
  assert.deepEqual(rules.shell, ["npm test"]);
});
