import assert from "node:assert/strict";
import { keyOnLine, locateKey } from "./_toml_locate.ts";

const TEXT = [
  "# top comment", // 1
  'title = "x" # trailing', // 2
  "[sandbox]", // 3
  '  mode = "fast"', // 4
  "", // 5
  "[permissions]", // 6
  "allow = [", // 7
  '  "shell(npm test)", # a = b', // 8
  '  "x",', // 9
  "]", // 10
  "shell.timeout_seconds = 0", // 11 (inside [permissions]: permissions.shell.timeout_seconds)
  "[mcp.servers.github]", // 12
  'command = "npx"', // 13
  "[lsp]", // 14
  'servers = { ts = { command = "tsc", args = ["--lsp"] }, "py" = { command = "" } }', // 15
  'notes = """', // 16
  "fake = 1", // 17
  '"""', // 18
  "[ 'context' ]", // 19
  "max_repo_map_tokens = -1", // 20
].join("\n");

const cases: [string[] | (string | number)[], number, number][] = [
  [["title"], 2, 1],
  [["sandbox"], 3, 1],
  [["sandbox", "mode"], 4, 3],
  [["permissions", "allow"], 7, 1],
  [["permissions", "allow", 1], 7, 1],
  [["permissions", "shell", "timeout_seconds"], 11, 1],
  [["mcp", "servers", "github", "command"], 13, 1],
  [["mcp", "servers", "github", "args"], 12, 1],
  [["lsp", "servers", "ts", "command"], 15, 20],
  [["lsp", "servers", "py", "command"], 15, 66],
  [["lsp", "notes"], 16, 1],
  [["lsp", "fake"], 14, 1],
  [["context", "max_repo_map_tokens"], 20, 1],
  [["nowhere", "at", "all"], 1, 1],
];

for (const [path, line, column] of cases) {
  Deno.test(`locateKey places ${path.join(".")} at line ${line}, column ${column}`, () => {
    assert.deepEqual(locateKey(TEXT, path), { line, column });
  });
}

Deno.test("locateKey finds a dotted top-level key and falls back to its section for a missing child", () => {
  const text = 'sandbox.mode = "fast"\n[shell]\n';
  assert.deepEqual(locateKey(text, ["sandbox", "mode"]), { line: 1, column: 1 });
  assert.deepEqual(locateKey(text, ["shell", "timeout_seconds"]), { line: 2, column: 1 });
});

Deno.test("keyOnLine names the table and key being defined on a line", () => {
  assert.equal(keyOnLine('[sandbox]\nmode = = "x"\n', 2), "sandbox.mode");
  assert.equal(keyOnLine("a.b = [\n", 1), "a.b");
  assert.equal(keyOnLine("garbage here\n", 1), undefined);
});
