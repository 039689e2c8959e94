import assert from "node:assert/strict";
import {
  commandVariants,
  compileGlob,
  matchCommand,
  matchWord,
  normalizeRel,
  parseCommandPattern,
} from "./match.ts";

Deno.test("normalizeRel cleans relative paths and refuses ones that leave the project", () => {
  const table: [string, string | null][] = [
    ["src/app.ts", "src/app.ts"],
    ["./src//app.ts", "src/app.ts"],
    ["src/", "src"],
    [".", "."],
    ["", "."],
    ["src\\win\\x.ts", "src/win/x.ts"],
    ["../x", null],
    ["a/../../x", null],
    ["a/../b", null],
    ["/etc/passwd", null],
    ["C:/x", null],
  ];
  for (const [input, want] of table) assert.equal(normalizeRel(input), want, input);
});

Deno.test("globs match like .gitignore: unanchored at any depth, anchored with a slash", () => {
  const table: [string, string, boolean][] = [
    // no slash: any depth
    ["*.env", "x.env", true],
    ["*.env", "a/b/x.env", true],
    [".env", "config/.env", true],
    ["secrets", "a/secrets/key", true],
    // dotfiles are matched
    ["*.env", ".env", true],
    ["src/*.ts", "src/.hidden.ts", true],
    ["**/*.pem", "k.pem", true],
    // a slash anchors at the root
    ["src/*.ts", "src/app.ts", true],
    ["src/*.ts", "lib/src/app.ts", false],
    ["/x", "x", true],
    ["/x", "a/x", false],
    ["./src/**", "src/a.ts", true],
    // `*` never crosses `/`
    ["src/*.ts", "src/a/b.ts", false],
    ["src/*", "src/a/b.ts", true], // src/a is matched, and a matched directory covers its contents
    // a directory covers everything beneath
    ["dir/", "dir/a/b", true],
    ["dir/", "x/dir/a", true],
    ["dir/**", "dir", true],
    ["dir/**", "dir/a/b/c", true],
    ["dir", "dir", true],
    // no sibling with a shared prefix
    ["src/**", "src2/x", false],
    ["src/", "src2/x", false],
    ["src", "src2", false],
    ["src", "srcx/y", false],
    ["*.env", "x.env.bak", false],
    ["deno.lock", "deno.locked", false],
    // empty and catch-all
    ["**", "anything/at/all", true],
    // the root itself and escapes never match a glob
    ["*", ".", false],
    ["*.env", "../x.env", false],
  ];
  for (const [glob, path, want] of table) {
    assert.equal(compileGlob(glob)(path), want, `${glob} vs ${path}`);
  }
});

Deno.test("globs are case-sensitive unless nocase is asked for", () => {
  assert.equal(compileGlob("*.env")("PROD.ENV"), false);
  assert.equal(compileGlob("*.env", { nocase: true })("PROD.ENV"), true);
  assert.equal(compileGlob("secrets/**", { nocase: true })("Secrets/k"), true);
});

Deno.test("command patterns split into words with a prefix flag", () => {
  assert.deepEqual(parseCommandPattern("npm test"), {
    words: ["npm", "test"],
    quoted: [false, false],
    prefix: false,
  });
  assert.deepEqual(parseCommandPattern("npm run *"), {
    words: ["npm", "run"],
    quoted: [false, false],
    prefix: true,
  });
  assert.deepEqual(parseCommandPattern("git log:*"), {
    words: ["git", "log"],
    quoted: [false, false],
    prefix: true,
  });
  assert.deepEqual(parseCommandPattern(`  git   commit -m "a b"  `), {
    words: ["git", "commit", "-m", "a b"],
    quoted: [false, false, false, true],
    prefix: false,
  });
  assert.deepEqual(parseCommandPattern("*"), { words: [], quoted: [], prefix: true });
});

Deno.test("command patterns match whole words, exactly or as a prefix", () => {
  const table: [string, string[], boolean][] = [
    ["npm test", ["npm", "test"], true],
    ["npm test", ["npm", "test", "--", "x"], false],
    ["npm test", ["npm", "testing"], false],
    ["npm test", ["npm"], false],
    ["npm run *", ["npm", "run"], true],
    ["npm run *", ["npm", "run", "build", "--watch"], true],
    ["npm run *", ["npm", "runx"], false],
    ["npm run *", ["npx", "run", "x"], false],
    ["git log:*", ["git", "log", "-5"], true],
    ["git log:*", ["git", "log"], true],
    ["git log:*", ["git", "logs"], false],
    ["ls *", ["ls"], true],
    ["ls *", ["ls", "-la", "/"], true],
    ["ls *", ["lsblk"], false],
    ["ls *", ["rm", "-rf", "/"], false],
    ["*", ["anything", "at", "all"], true],
    ["deno test *", ["deno", "test", "-A"], true],
    ["git commit -m *", ["git", "commit", "-m", "msg"], true],
    ["npm run test*", ["npm", "run", "test:unit"], true],
    ["npm run test*", ["npm", "run", "test", "x"], false],
    [`rm "*"`, ["rm", "*"], true],
    [`rm "*"`, ["rm", "-rf"], false],
  ];
  for (const [pattern, words, want] of table) {
    assert.equal(matchCommand(pattern, words), want, `${pattern} vs ${words.join(" ")}`);
  }
});

Deno.test("a word that holds an expansion only matches the trailing star of a prefix pattern", () => {
  assert.equal(matchCommand("npm test", ["npm", "$X"], [true, false]), false);
  assert.equal(matchCommand("npm *", ["npm", "$X"], [true, false]), true);
  assert.equal(matchCommand("ls *", ["$CMD", "x"], [false, true]), false);
});

Deno.test("matchWord treats star as any run of characters and nothing else as special", () => {
  assert.equal(matchWord("commit", "commit"), true);
  assert.equal(matchWord("com*", "commit"), true);
  assert.equal(matchWord("a.b", "axb"), false);
  assert.equal(matchWord("(x)", "(x)"), true);
});

Deno.test("commandVariants drops program directories and peels wrappers", () => {
  const forms = (words: string[]) =>
    commandVariants({ words, literal: words.map(() => true) }).map((v) => v.words.join(" "));
  assert.deepEqual(forms(["/bin/rm", "-rf", "x"]), ["/bin/rm -rf x", "rm -rf x"]);
  assert.deepEqual(forms(["sudo", "-u", "root", "env", "A=1", "rm", "x"]), [
    "sudo -u root env A=1 rm x",
    "env A=1 rm x",
    "rm x",
  ]);
  assert.deepEqual(forms(["timeout", "-s", "KILL", "5", "rm", "x"]), [
    "timeout -s KILL 5 rm x",
    "rm x",
  ]);
  assert.deepEqual(forms(["xargs", "-n", "1", "rm"]), ["xargs -n 1 rm", "rm"]);
  assert.deepEqual(forms(["ls", "-la"]), ["ls -la"]);
  assert.deepEqual(forms(["nohup"]), ["nohup"]);
});

Deno.test("a rule glob made to make a backtracking matcher run for hours is answered at once", () => {
  // A LOOM.md deny rule binds even in an untrusted clone: picomatch's regex took 17 s for ten
  // `a*` against this path, and every file listing consults the rules.
  const matcher = compileGlob(`${"a*".repeat(40)}b`, { nocase: true });
  assert.equal(matcher(`src/${"a".repeat(60)}.ts`), false);
  assert.equal(matcher(`src/${"a".repeat(60)}b`), true);
});

Deno.test("a rule word with several stars is matched in one pass over a long argument", () => {
  // As a regex ([\s\S]* per star) this backtracked for hours on a megabyte-long argument.
  const long = "a".repeat(1_000_000);
  assert.equal(matchWord("*a*b*c*d*", long), false);
  assert.equal(matchWord("*a*b*c*d*", `${long}bcd`), true);
  assert.equal(matchCommand("curl * --data *@*", ["curl", "-X", long]), false);
  // Pieces are placed leftmost first, and may not overlap the tail.
  assert.equal(matchWord("a*ab", "aab"), true);
  assert.equal(matchWord("ab*ba", "aba"), false);
  assert.equal(matchWord("*.env*", "prod.env.bak"), true);
});

Deno.test("a rule glob with a long run of slashes inside is read in one pass", () => {
  // A LOOM.md deny line binds in an untrusted clone and is compiled at every start: the trailing
  // slash pattern retried from each slash of the run (hours for a megabyte of them).
  assert.throws(
    () => compileGlob(`a${"/".repeat(1_000_000)}b//`),
    /Cannot use a glob of 1000002 characters \(at most 4096\)/,
  );
  assert.equal(compileGlob("dir//")("dir/x"), true);
  assert.equal(compileGlob(`a${"/".repeat(4000)}b//`)("a/b"), false);
});
