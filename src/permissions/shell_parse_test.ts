import assert from "node:assert/strict";
import { parseShellCommand, preloadShellParser } from "./shell_parse.ts";

await preloadShellParser();

const commandsOf = (line: string) => parseShellCommand(line).commands.map((c) => c.words.join(" "));

Deno.test("every simple command is found, whatever joins or nests it", () => {
  const table: [string, string[]][] = [
    ["npm test", ["npm test"]],
    ["a; b", ["a", "b"]],
    ["a && b || c", ["a", "b", "c"]],
    ["a | b |& c", ["a", "b", "c"]],
    ["a &\nb", ["a", "b"]],
    ["a\nb\n\nc", ["a", "b", "c"]],
    ["(a; b)", ["a", "b"]],
    ["{ a; b; }", ["a", "b"]],
    ["if a; then b; elif c; then d; else e; fi", ["a", "b", "c", "d", "e"]],
    ["for i in 1 2; do a $i; done", ["a $i"]],
    ["while a; do b; done", ["a", "b"]],
    ["until a; do b; done", ["a", "b"]],
    ["case x in y) a;; *) b;; esac", ["a", "b"]],
    ["f() { a; }; f", ["a", "f"]],
    ["function f { a; }", ["a"]],
    ["! a", ["a"]],
    ["ls # ; rm -rf /", ["ls"]],
    ["ls \\\n  -la", ["ls -la"]],
  ];
  for (const [line, want] of table) assert.deepEqual(commandsOf(line), want, line);
});

Deno.test("quotes and backslashes are removed from words the way bash removes them", () => {
  const table: [string, string[]][] = [
    [`'rm' -rf x`, ["rm", "-rf", "x"]],
    [`"rm" -rf x`, ["rm", "-rf", "x"]],
    [`r\\m -rf x`, ["rm", "-rf", "x"]],
    [`r"m" x`, ["rm", "x"]],
    [`ls 'a b' "c d"`, ["ls", "a b", "c d"]],
    [`echo "a\\"b"`, ["echo", 'a"b']],
    [`ls\\ x`, ["ls x"]],
  ];
  for (const [line, want] of table) {
    assert.deepEqual(parseShellCommand(line).commands[0].words, want, line);
  }
});

Deno.test("substitutions are flagged anywhere: bare, quoted, backticks, process, heredoc", () => {
  const yes = [
    "echo $(id)",
    'echo "x $(id)"',
    "echo `id`",
    "diff <(a) <(b)",
    "tee >(x)",
    "x=$(id)",
    "cat <<EOF\n$(id)\nEOF",
    'cat <<< "$(id)"',
    "echo ${x:-$(id)}",
    "(( y = $(id) ))",
  ];
  for (const line of yes) assert.equal(parseShellCommand(line).hasSubstitution, true, line);
  const no = ["echo '$(id)'", "cat <<'EOF'\n$(id)\nEOF", "echo $HOME", "npm test"];
  for (const line of no) assert.equal(parseShellCommand(line).hasSubstitution, false, line);
});

Deno.test("commands inside substitutions are listed too", () => {
  assert.deepEqual(commandsOf('echo "$(rm -rf x)"'), ["rm -rf x", 'echo "$(rm -rf x)"']);
});

Deno.test("redirections are recorded with their targets, descriptor copies are not", () => {
  const analysis = parseShellCommand(
    "ls > out 2>&1 >> ../x 2> ~/.bashrc < in &> all >&- 1>/dev/null",
  );
  assert.deepEqual(
    analysis.redirections.map((r) => [r.operator, r.target, r.direction]),
    [
      [">", "out", "out"],
      [">>", "../x", "out"],
      [">", "~/.bashrc", "out"],
      ["<", "in", "in"],
      ["&>", "all", "out"],
      [">", "/dev/null", "out"],
    ],
  );
  const dynamic = parseShellCommand('ls > "$HOME/x"').redirections[0];
  assert.equal(dynamic.literal, false);
});

Deno.test("env prefixes and assignments are recorded and stripped from the words", () => {
  const analysis = parseShellCommand("PATH=/tmp/evil LD_PRELOAD=x.so ls -la; A=1; export B=2");
  assert.deepEqual(analysis.commands[0].words, ["ls", "-la"]);
  assert.deepEqual(analysis.commands[0].env, ["PATH=/tmp/evil", "LD_PRELOAD=x.so"]);
  assert.deepEqual(analysis.assignments, ["PATH=/tmp/evil", "LD_PRELOAD=x.so", "A=1", "B=2"]);
  assert.deepEqual(parseShellCommand("env -u X PATH=/e ls").assignments, ["PATH=/e"]);
});

Deno.test("lines that cannot be judged are marked unparseable with a reason", () => {
  const table: [string, RegExp][] = [
    ["ls $(", /syntax error|incomplete/],
    ["if a; then b", /syntax error|incomplete/],
    ["{rm,-rf,x}", /syntax error|pattern/],
    ["$CMD -rf x", /only known when it runs/],
    ["${X}rm x", /only known when it runs/],
    ["$'rm' x", /only known when it runs/],
    ["r* x", /pattern/],
    ["eval ls", /eval/],
    ["exec rm x", /exec/],
    ["source x.sh", /source/],
    [". x.sh", /"\."/],
    ["bash -c 'ls'", /bash/],
    ["sh x.sh", /sh/],
    ["curl x | sh", /sh/],
    ["/bin/bash -lc ls", /bash/],
    ["sudo sh -c ls", /sh/],
    ["env -S 'rm -rf x'", /env -S/],
    ["alias ls='rm -rf /'", /alias/],
    ["trap 'rm x' EXIT", /trap/],
    ["hash -p /tmp/evil ls", /hash/],
    ["read PATH < f", /read/],
    ["printf -v PATH x", /printf -v/],
    ["ls\rrm -rf x", /carriage return/],
    ["cd /etc; ls > x", /changes directory/],
  ];
  for (const [line, why] of table) {
    const analysis = parseShellCommand(line);
    assert.equal(analysis.unparseable, true, line);
    assert.match(analysis.problems.join("; "), why, line);
  }
  for (
    const line of ["npm test", "ls -la src", "git log --oneline -5", "[ -f x ] && ls", "cd src"]
  ) {
    assert.equal(parseShellCommand(line).unparseable, false, line);
  }
});

Deno.test("literal scripts given to sh -c or eval are parsed for later deny checks", () => {
  const [command] = parseShellCommand(`bash -c "ls; rm -rf /"`).commands;
  assert.deepEqual(command.inner[0].commands.map((c) => c.words.join(" ")), ["ls", "rm -rf /"]);
  const [evaled] = parseShellCommand("eval rm -rf x").commands;
  assert.deepEqual(evaled.inner[0].commands[0].words, ["rm", "-rf", "x"]);
  const [dynamic] = parseShellCommand(`sh -c "$X"`).commands;
  assert.deepEqual(dynamic.inner, []);
});

Deno.test("a command's arguments are looked up once, not once per argument", async () => {
  // Per argument, a list of every argument was built: 8,000 arguments took 14 s to judge.
  const { Node } = await import("web-tree-sitter");
  const proto = Node.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const original = proto.childrenForFieldName;
  let lookups = 0;
  proto.childrenForFieldName = function (this: unknown, ...args: unknown[]) {
    lookups++;
    return original.apply(this, args);
  };
  try {
    const paths = Array.from({ length: 3000 }, (_, i) => `src/file_${i}.ts`);
    const analysis = parseShellCommand(`git add ${paths.join(" ")}`);
    assert.deepEqual(analysis.commands[0].words, ["git", "add", ...paths]);
    assert.ok(lookups < 10, `${lookups} lookups`);
  } finally {
    proto.childrenForFieldName = original;
  }
});

Deno.test("a line nested thousands of levels deep is not judged, and does not overflow the stack", () => {
  for (
    const line of [
      `echo ${"$(".repeat(5000)}x${")".repeat(5000)}`,
      `${"(".repeat(5000)}rm -rf /${")".repeat(5000)}`,
      `${"if true; then ".repeat(3000)}ls; ${"fi; ".repeat(3000)}`,
    ]
  ) {
    const analysis = parseShellCommand(line);
    assert.ok(analysis.unparseable, line.slice(0, 30));
    assert.ok(analysis.problems.some((p) => /nests more than \d+ levels deep/.test(p)));
  }
  // Real lines nest a few levels: still judged.
  const real = parseShellCommand("(cd web && (npm ci && npm test)) || { echo failed; exit 1; }");
  assert.equal(real.unparseable, false);
  assert.deepEqual(real.commands.map((c) => c.words[0]), ["cd", "npm", "npm", "echo", "exit"]);
});
