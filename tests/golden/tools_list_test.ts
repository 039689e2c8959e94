import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { createTempProject } from "../_lib/project.ts";
import { connectStdio, createTempHome } from "../_lib/mcp.ts";

const GOLDEN = fileURLToPath(new URL("./tools_list.json", import.meta.url));

Deno.test(
  "tools/list (names, descriptions, schemas, annotations) matches tests/golden/tools_list.json; refresh with UPDATE_GOLDEN=1",
  { sanitizeResources: false, sanitizeOps: false },
  async () => {
    await using project = await createTempProject();
    await using home = await createTempHome();
    await using s = await connectStdio(project.root, home.path);
    const { tools } = await s.client.listTools();
    const actual = JSON.stringify(tools, null, 2) + "\n";
    if (Deno.env.get("UPDATE_GOLDEN") === "1") {
      await Deno.writeTextFile(GOLDEN, actual);
      return;
    }
    const expected = await Deno.readTextFile(GOLDEN).catch(() => "(missing)");
    assert.equal(
      actual,
      expected,
      "what models see changed: review it, then run UPDATE_GOLDEN=1 deno test -A tests/golden/",
    );
  },
);
