import assert from "node:assert/strict";
import { isToolName, loadToolRegistry, TOOL_NAMES } from "./loaders.ts";
import { createToolRegistry } from "./registry.ts";
import { toolInputSchema } from "./schema.ts";
import { createTempProject } from "../../tests/_lib/project.ts";
import { createTestContext } from "../../tests/_lib/context.ts";

Deno.test("the lazy registry lists every tool of the eager one, in order, with the same schemas", async () => {
  const eager = createToolRegistry({ rgPath: "rg" });
  const lazy = await loadToolRegistry({ rgPath: "rg" });
  assert.deepEqual([...lazy.keys()], [...eager.keys()]);
  assert.deepEqual(TOOL_NAMES, [...eager.keys()]);
  for (const [name, tool] of eager) {
    const loaded = lazy.get(name)!;
    assert.equal(loaded.description, tool.description, name);
    assert.deepEqual(loaded.annotations, tool.annotations, name);
    assert.deepEqual(toolInputSchema(loaded), toolInputSchema(tool), name);
  }
});

Deno.test("the lazy registry loads only the tools it is asked for, and skips unknown names", async () => {
  const one = await loadToolRegistry({ rgPath: null }, ["content_search", "nope"]);
  assert.deepEqual([...one.keys()], ["content_search"]);
  assert.equal(isToolName("content_search"), true);
  assert.equal(isToolName("nope"), false);
});

Deno.test("the search tools take the engine from the registry options", async () => {
  await using project = await createTempProject({ "a.txt": "x\n" });
  const ctx = await createTestContext(project.root);
  for (const [rgPath, engine] of [["rg", "ripgrep"], [null, "builtin"]] as const) {
    const tool = (await loadToolRegistry({ rgPath }, ["content_search"])).get("content_search")!;
    const result = await tool.run(tool.input.parse({ pattern: "x" }), ctx);
    assert.equal((result.structured as { engine: string }).engine, engine);
    assert.equal(result.text, "a.txt");
  }
});
