import assert from "node:assert/strict";
import { createPathFilter } from "./_search_types.ts";

Deno.test("a path filter matches slash-free globs by name and excludes with !", () => {
  const filter = createPathFilter(["*.ts", "!*.d.ts", "!src/deep/**"], []);
  assert.deepEqual(
    ["a.ts", "a.d.ts", "src/a.ts", "src/z.js", "src/deep/x.ts", "lib/b.ts"].filter(filter.file),
    ["a.ts", "src/a.ts", "lib/b.ts"],
  );
  assert.equal(filter.dir("src/deep"), false);
  assert.equal(filter.dir("src"), true);
});
