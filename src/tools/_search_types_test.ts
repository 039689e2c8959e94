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

Deno.test("a leading slash anchors a glob at the root, as in rg", () => {
  const files = ["Makefile", "src/Makefile", "src/a.ts", "a.ts"];
  assert.deepEqual(files.filter(createPathFilter(["/Makefile"], []).file), ["Makefile"]);
  assert.deepEqual(files.filter(createPathFilter(["Makefile"], []).file), [
    "Makefile",
    "src/Makefile",
  ]);
  assert.deepEqual(files.filter(createPathFilter(["*.ts", "!/a.ts"], []).file), ["src/a.ts"]);
});
