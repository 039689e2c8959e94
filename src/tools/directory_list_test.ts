import assert from "node:assert/strict";
import { isLoomError } from "../core/mod.ts";
import { createTempProject } from "../../tests/_lib/project.ts";
import { createTestContext } from "../../tests/_lib/context.ts";
import type { ToolContext } from "./define.ts";
import { directoryList, humanSize } from "./directory_list.ts";

async function list(args: Record<string, unknown>, ctx: ToolContext) {
  return await directoryList.run(directoryList.input.parse(args), ctx);
}

Deno.test("directory_list draws a tree: directories first, sizes for files, counts for dirs", async () => {
  await using project = await createTempProject({
    ".gitignore": "out/\n",
    "zeta.txt": "x".repeat(2048),
    "alpha.md": "hello",
    "src/main.ts": "",
    "src/lib/deep/more.ts": "",
    "src/lib/util.ts": "abc",
    "docs/guide.md": "",
    "out/build.js": "",
    ".env": "",
  });
  const ctx = await createTestContext(project.root);
  const result = await list({}, ctx);
  assert.equal(
    result.text,
    [
      "./ (4 entries)",
      "  docs/ (1 entry)",
      "    guide.md (0 B)",
      "  src/ (2 entries)",
      "    lib/ (2 entries)",
      "    main.ts (0 B)",
      "  alpha.md (5 B)",
      "  zeta.txt (2.0 KB)",
    ].join("\n"),
  );
});

Deno.test("directory_list lists a subdirectory to the depth asked, hidden entries on request", async () => {
  await using project = await createTempProject({
    "src/lib/deep/more.ts": "",
    "src/.cache/x": "",
  });
  const ctx = await createTestContext(project.root);
  const result = await list({ path: "src", depth: 3, include_hidden: true }, ctx);
  assert.equal(
    result.text,
    [
      "src/ (2 entries)",
      "  .cache/ (1 entry)",
      "    x (0 B)",
      "  lib/ (1 entry)",
      "    deep/ (1 entry)",
      "      more.ts (0 B)",
    ].join("\n"),
  );
});

Deno.test("directory_list shows at most 500 entries and says how many were left out", async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 520; i++) files[`many/f${String(i).padStart(3, "0")}.txt`] = "";
  await using project = await createTempProject(files);
  const ctx = await createTestContext(project.root);
  const lines = (await list({}, ctx)).text.split("\n");
  assert.equal(lines.length, 1 + 500 + 1);
  assert.equal(lines[1], "  many/ (520 entries)");
  assert.equal(lines.at(-1), "... 21 more entries not shown; list a subdirectory or lower depth");
});

Deno.test("directory_list leaves out denied paths and refuses files", async () => {
  await using project = await createTempProject({ "secret/key": "", "a.txt": "" });
  const ctx = await createTestContext(project.root, {
    isReadDenied: (rel) => rel.startsWith("secret"),
  });
  assert.equal((await list({}, ctx)).text, "./ (1 entry)\n  a.txt (0 B)");
  await assert.rejects(list({ path: "a.txt" }, ctx), (err) => isLoomError(err, "INVALID_INPUT"));
});

Deno.test("humanSize reads like ls -h", () => {
  assert.deepEqual(
    [0, 1023, 1024, 1536, 10 * 1024, 5 * 1024 * 1024].map(humanSize),
    ["0 B", "1023 B", "1.0 KB", "1.5 KB", "10 KB", "5.0 MB"],
  );
});
