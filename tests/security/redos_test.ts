// A model (perhaps prompt-injected) chooses content_search's pattern. On V8's backtracking engine
// some patterns take exponential (or, on a long line, quadratic) time: the thread blocks, no
// cancellation runs and `loom mcp` stops answering. These tests run the built-in engine in a real
// `loom` process; each call gets a deadline that kills the process and fails the test.
import assert from "node:assert/strict";
import { createTempProject } from "../_lib/project.ts";
import { connectStdio, createTempHome, MAIN } from "../_lib/mcp.ts";
import { denoDir } from "../_lib/home.ts";

/** Far more than the built-in engine needs (well under a second each), far less than V8 would. */
const DEADLINE_MS = 60_000;

/** A file whose long lines make each pattern below backtrack for minutes on V8. */
const BIG = [
  "first line",
  "a".repeat(200_000) + "!",
  "baa",
  ("x".repeat(5_000) + "a").repeat(11),
  "the end",
].join("\n") + "\n";

/** Catastrophic patterns and the lines of big.txt that match them (as `rg -n` says). */
const CATASTROPHIC: [pattern: string, lines: number[]][] = [
  ["(a+)+$", [3, 4]], // Nested quantifiers.
  ["(\\w+\\s?)+$", [1, 3, 4, 5]], // Nested, overlapping.
  ["(a|aa)+$", [3, 4]], // A quantified alternation.
  ["(.*a){12}", [2]], // A counted repeat of a greedy star.
  ["(x+x+)+y", []], // Adjacent overlapping quantifiers, nested.
  ["\\w+x", [4]], // A single quantifier: quadratic on a 200,000-character line.
];

/** Runs `loom tool content_search ARGS` on the built-in engine; kills it past the deadline. */
async function searchWithin(root: string, home: string, args: Record<string, unknown>) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--quiet", MAIN, "tool", "content_search", JSON.stringify(args)],
    cwd: root,
    env: {
      NO_COLOR: "1",
      LOOM_HOME: home,
      HOME: home,
      DENO_DIR: denoDir(),
      LOOM_SEARCH_ENGINE: "builtin",
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    child.kill("SIGKILL");
  }, DEADLINE_MS);
  const out = await child.output().finally(() => clearTimeout(timer));
  assert.ok(!killed, `content_search ${args.pattern} ran past ${DEADLINE_MS} ms`);
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

/** The line numbers of big.txt in a content-mode answer. */
function matchedLines(text: string): number[] {
  return [...text.matchAll(/^big\.txt:(\d+):/gm)].map((m) => Number(m[1]));
}

Deno.test("loom tool content_search answers catastrophic patterns on a long line promptly and rightly", async () => {
  await using project = await createTempProject({ "big.txt": BIG });
  await using home = await createTempHome();
  for (const [pattern, lines] of CATASTROPHIC) {
    const run = await searchWithin(project.root, home.path, { pattern, output_mode: "content" });
    assert.equal(run.code, 0, run.stderr);
    if (lines.length === 0) assert.equal(run.stdout.trim(), `No matches for "${pattern}"`);
    else assert.deepEqual(matchedLines(run.stdout), lines, pattern);
    const count = await searchWithin(project.root, home.path, { pattern, output_mode: "count" });
    assert.equal(count.code, 0, count.stderr);
    if (lines.length > 0) {
      assert.match(count.stdout, new RegExp(`^big\\.txt:${lines.length}$`, "m"));
    }
  }
});

Deno.test("loom tool content_search refuses look-around and backreferences as rg does", async () => {
  await using project = await createTempProject({ "big.txt": BIG });
  await using home = await createTempHome();
  const lookAround = await searchWithin(project.root, home.path, { pattern: "(?=(a+)+$)b" });
  assert.equal(lookAround.code, 1);
  assert.match(
    lookAround.stderr,
    /Cannot search "\(\?=\(a\+\)\+\$\)b": look-around is not supported/,
  );
  const backreference = await searchWithin(project.root, home.path, { pattern: "(a+)+\\1$" });
  assert.equal(backreference.code, 1);
  assert.match(backreference.stderr, /backreferences are not supported/);
});

Deno.test(
  "loom mcp answers a catastrophic content_search, then a ping and another call",
  { sanitizeResources: false, sanitizeOps: false },
  async () => {
    await using project = await createTempProject({ "big.txt": BIG });
    await using home = await createTempHome();
    // No rg on PATH either: the built-in engine is the only one this server can use.
    await using s = await connectStdio(project.root, home.path, {
      env: { LOOM_SEARCH_ENGINE: "builtin", PATH: "/nonexistent" },
    });
    const within = { timeout: DEADLINE_MS };
    const call = (pattern: string) =>
      s.client.callTool(
        { name: "content_search", arguments: { pattern, output_mode: "content" } },
        undefined,
        within,
      );
    const first = await call("(a+)+$");
    assert.equal(first.isError, undefined);
    assert.deepEqual(matchedLines((first.content as { text: string }[])[0].text), [3, 4]);
    assert.deepEqual(await s.client.ping(within), {});
    const second = await call("(\\w+\\s?)+$");
    assert.deepEqual(matchedLines((second.content as { text: string }[])[0].text), [1, 3, 4, 5]);
    const plain = await call("the end");
    assert.deepEqual(matchedLines((plain.content as { text: string }[])[0].text), [5]);
  },
);
