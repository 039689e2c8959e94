import assert from "node:assert/strict";
import { isLoomError, type ToolResult } from "../core/mod.ts";
import { createTempProject } from "../../tests/_lib/project.ts";
import { createTestContext } from "../../tests/_lib/context.ts";
import type { ToolContext } from "./define.ts";
import { createContentSearchTool } from "./content_search.ts";

const HAS_RG = await new Deno.Command("rg", { args: ["--version"], stdout: "null" }).output()
  .then((o) => o.success, () => false);
const rgTool = createContentSearchTool({ rgPath: "rg" });
const builtinTool = createContentSearchTool({ rgPath: null });
const ENGINES = HAS_RG ? [["rg", rgTool], ["builtin", builtinTool]] as const : [[
  "builtin",
  builtinTool,
]] as const;

/** A corpus exercising ignore files, hidden files, binaries, types and line endings. */
const CORPUS: Record<string, string | Uint8Array> = {
  ".gitignore": "build/\n*.log\n",
  "src/.gitignore": "generated*\n!generated_keep.ts\n",
  "src/app.ts": "import { foo } from './foo';\n\nexport function main() {\n  foo();\n" +
    "  const Foo = 1;\n  return FOO + Foo;\n}\n",
  "src/foo.ts": "export function foo() {\n  return 'foo';\n}\n\n// TODO: bar\n",
  "src/view.tsx": "export const View = () => <div>foo bar</div>;\n",
  "src/generated_api.ts": "export const foo = 'generated';\n",
  "src/generated_keep.ts": "export const foo = 'kept';\n",
  "src/deep/nested/util.js": "function foo(a, b) {\n  return a +\n    b;\n}\nmodule.exports = foo;",
  "lib/script.py": "def foo():\n    pass\n\n\nclass Foo:\n    x = 'foo'  # foo\n",
  "docs/guide.md": "# Guide\n\nUse `foo()` to start.\nThen call bar.\n\nFOO is loud.\n",
  "data/config.json": '{ "foo": true, "bar": [1, 2] }\n',
  "notes.txt": "crlf foo line\r\nsecond line\r\nfoo again\r\n",
  "empty.txt": "",
  "unicode.txt": "naïve café foo\nΣίσυφος foo\n",
  "build/out.js": "foo();\n",
  "debug.log": "foo happened\n",
  ".hidden/secret.ts": "const foo = 'hidden';\n",
  ".env": "FOO=bar\n",
  "image.bin": new Uint8Array([0x89, 0x00, 0x01, 0x66, 0x6f, 0x6f, 0x0a]),
};

async function search(tool: typeof rgTool, args: Record<string, unknown>, ctx: ToolContext) {
  return await tool.run(tool.input.parse(args), ctx);
}

async function withCorpus(fn: (ctx: ToolContext) => Promise<void>): Promise<void> {
  await using project = await createTempProject(CORPUS, { git: true });
  await Deno.writeTextFile(project.path(".git/info/exclude"), "lib/excluded.py\n");
  await project.write("lib/excluded.py", "foo = 1\n");
  await fn(await createTestContext(project.root));
}

const EQUIVALENCE_QUERIES: Record<string, unknown>[] = [
  { pattern: "foo" },
  { pattern: "foo", output_mode: "content" },
  { pattern: "foo", output_mode: "count" },
  { pattern: "foo", output_mode: "content", context: 1 },
  { pattern: "foo", output_mode: "content", before: 2, after: 1, line_numbers: false },
  { pattern: "FOO", case_insensitive: true, output_mode: "content" },
  { pattern: "(?i)foo", output_mode: "count" },
  { pattern: "^\\s+return", output_mode: "content" },
  { pattern: "foo$", output_mode: "content" },
  { pattern: "\\bFoo\\b", output_mode: "content" },
  { pattern: "[[:upper:]]OO", output_mode: "content" },
  { pattern: "return a \\+\\n\\s+b", multiline: true, output_mode: "content" },
  { pattern: "\\{\\n", multiline: true, output_mode: "count" },
  { pattern: "foo", glob: "*.ts", output_mode: "content" },
  { pattern: "foo", glob: ["src/**", "!*.tsx"] },
  { pattern: "foo", glob: "*.log" },
  { pattern: "foo", type: "ts" },
  { pattern: "foo", type: "py", output_mode: "content" },
  { pattern: "foo", path: "src" },
  { pattern: "foo", path: "src/deep", output_mode: "content", context: 3 },
  { pattern: "foo", path: "docs/guide.md", output_mode: "content" },
  { pattern: "foo", include_hidden: true },
  { pattern: "nothing-here-at-all" },
  { pattern: "foo", output_mode: "content", limit: 3 },
  { pattern: "foo", limit: 2 },
  { pattern: "é|Σ", output_mode: "content" },
  { pattern: "x*", output_mode: "count" },
  { pattern: "o\\n", multiline: true, output_mode: "content" },
  { pattern: "\\}\\n\\n?", multiline: true, output_mode: "content", context: 1 },
  { pattern: "(?s)foo.*bar", multiline: true, output_mode: "count" },
  { pattern: "^$", output_mode: "count" },
  { pattern: "\\w+\\(\\)", output_mode: "content", after: 2 },
];

Deno.test({
  name: "content_search gives the same answers with ripgrep and the built-in engine",
  ignore: !HAS_RG,
  fn: () =>
    withCorpus(async (ctx) => {
      for (const args of EQUIVALENCE_QUERIES) {
        const viaRg = await search(rgTool, args, ctx);
        const viaBuiltin = await search(builtinTool, args, ctx);
        const label = JSON.stringify(args);
        assert.equal(viaBuiltin.text, viaRg.text, label);
        const { engine: _a, ...restRg } = viaRg.structured ?? {};
        const { engine: _b, ...restBuiltin } = viaBuiltin.structured ?? {};
        assert.deepEqual(restBuiltin, restRg, label);
      }
    }),
});

for (const [engine, tool] of ENGINES) {
  Deno.test(`content_search (${engine}) lists matching files by path, skipping ignored, hidden and binary files`, () =>
    withCorpus(async (ctx) => {
      const result = await search(tool, { pattern: "foo" }, ctx);
      assert.deepEqual(result.text.split("\n"), [
        "data/config.json",
        "docs/guide.md",
        "lib/script.py",
        "notes.txt",
        "src/app.ts",
        "src/deep/nested/util.js",
        "src/foo.ts",
        "src/generated_keep.ts",
        "src/view.tsx",
        "unicode.txt",
      ]);
    }));

  Deno.test(`content_search (${engine}) prints matching lines with context and separators`, () =>
    withCorpus(async (ctx) => {
      const result = await search(tool, {
        pattern: "foo\\(",
        path: "src",
        output_mode: "content",
        context: 1,
      }, ctx);
      assert.equal(
        result.text,
        [
          "src/app.ts-3-export function main() {",
          "src/app.ts:4:  foo();",
          "src/app.ts-5-  const Foo = 1;",
          "--",
          "src/deep/nested/util.js:1:function foo(a, b) {",
          "src/deep/nested/util.js-2-  return a +",
          "--",
          "src/foo.ts:1:export function foo() {",
          "src/foo.ts-2-  return 'foo';",
        ].join("\n"),
      );
    }));

  Deno.test(`content_search (${engine}) counts matching lines per file with a total`, () =>
    withCorpus(async (ctx) => {
      const result = await search(tool, {
        pattern: "foo",
        type: "py",
        output_mode: "count",
      }, ctx);
      assert.equal(result.text, "lib/script.py:2\n2 matches in 1 files");
      const insensitive = await search(tool, {
        pattern: "foo",
        type: "py",
        output_mode: "count",
        case_insensitive: true,
      }, ctx);
      assert.equal(insensitive.text, "lib/script.py:3\n3 matches in 1 files");
    }));

  Deno.test(`content_search (${engine}) matches across lines only in multiline mode`, () =>
    withCorpus(async (ctx) => {
      const args = { pattern: "a \\+\\s+b;", output_mode: "content" };
      const single = await search(tool, args, ctx);
      assert.match(single.text, /^No matches/);
      const multi = await search(tool, { ...args, multiline: true }, ctx);
      assert.equal(
        multi.text,
        "src/deep/nested/util.js:2:  return a +\nsrc/deep/nested/util.js:3:    b;",
      );
    }));

  Deno.test(`content_search (${engine}) narrows by glob, negated glob and type`, () =>
    withCorpus(async (ctx) => {
      const globbed = await search(tool, { pattern: "foo", glob: ["src/**", "!*.tsx"] }, ctx);
      assert.deepEqual(globbed.text.split("\n"), [
        "src/app.ts",
        "src/deep/nested/util.js",
        "src/foo.ts",
        "src/generated_keep.ts",
      ]);
      // A glob never brings back an ignored or hidden file (unlike rg -g on its own).
      const logs = await search(tool, { pattern: "foo", glob: ["*.log", "*.ts"] }, ctx);
      assert.doesNotMatch(logs.text, /debug\.log|secret|generated_api/);
      const typed = await search(tool, { pattern: "foo", type: "ts" }, ctx);
      assert.deepEqual(typed.text.split("\n"), [
        "src/app.ts",
        "src/foo.ts",
        "src/generated_keep.ts",
        "src/view.tsx",
      ]);
    }));

  Deno.test(`content_search (${engine}) says how many more results there are past the limit`, () =>
    withCorpus(async (ctx) => {
      const files = await search(tool, { pattern: "foo", limit: 2 }, ctx);
      assert.equal(
        files.text,
        "data/config.json\ndocs/guide.md\n... and 8 more files; narrow the pattern or raise limit",
      );
      const lines = await search(tool, { pattern: "foo", output_mode: "content", limit: 1 }, ctx);
      assert.equal(
        lines.text.split("\n").at(-1),
        "... and 15 more matches (10 files in all); narrow the pattern or raise limit",
      );
    }));

  Deno.test(`content_search (${engine}) skips files denied by a read rule`, () =>
    withCorpus(async (ctx) => {
      const denied = { ...ctx, isReadDenied: (rel: string) => rel.startsWith("src/") };
      const result = await search(tool, { pattern: "foo" }, denied);
      assert.doesNotMatch(result.text, /src\//);
      assert.match(result.text, /docs\/guide\.md/);
    }));

  Deno.test(`content_search (${engine}) reports a bad regex as invalid input`, () =>
    withCorpus(async (ctx) => {
      await assert.rejects(
        search(tool, { pattern: "foo(" }, ctx),
        (err) => isLoomError(err, "INVALID_INPUT") && /foo\(/.test(err.message),
      );
    }));

  Deno.test(`content_search (${engine}) refuses look-around and backreferences with the same advice, never a flag the model cannot pass`, () =>
    withCorpus(async (ctx) => {
      for (
        const [pattern, advice] of [
          ["foo(?=\\()", /look-around is not supported; match the text around it instead/],
          ["(foo)\\1", /backreferences are not supported; search for the repeated text itself/],
        ] as const
      ) {
        await assert.rejects(
          search(tool, { pattern }, ctx),
          (err) =>
            isLoomError(err, "INVALID_INPUT") && advice.test(err.message) &&
            !/pcre2/i.test(err.message),
          pattern,
        );
      }
    }));

  Deno.test(`content_search (${engine}) answers a search with no match in plain words`, () =>
    withCorpus(async (ctx) => {
      const result: ToolResult = await search(tool, { pattern: "zzz_absent" }, ctx);
      assert.equal(result.text, 'No matches for "zzz_absent"');
      assert.equal(result.isError, undefined);
    }));

  Deno.test(`content_search (${engine}) stops when the call is cancelled`, () =>
    withCorpus(async (ctx) => {
      const controller = new AbortController();
      controller.abort();
      await assert.rejects(
        search(tool, { pattern: "foo" }, { ...ctx, signal: controller.signal }),
        (err) => isLoomError(err, "CANCELLED"),
      );
    }));
}

Deno.test("content_search refuses a path outside the project before searching", async () => {
  await using project = await createTempProject({ "a.txt": "foo\n" });
  const ctx = await createTestContext(project.root);
  await assert.rejects(
    async () =>
      await builtinTool.permission(builtinTool.input.parse({ pattern: "x", path: "../" }), ctx),
    (err: unknown) => isLoomError(err, "OUTSIDE_PROJECT"),
  );
});

Deno.test("content_search's built-in engine reports progress on long searches", async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 2100; i++) files[`d${i % 10}/f${i}.txt`] = i === 7 ? "needle\n" : "hay\n";
  await using project = await createTempProject(files);
  const updates: number[] = [];
  const ctx = await createTestContext(project.root, {
    onProgress: (u) => updates.push(u.progress),
  });
  const result = await search(builtinTool, { pattern: "needle" }, ctx);
  assert.equal(result.text, "d7/f7.txt");
  assert.deepEqual(updates, [2000]);
});
