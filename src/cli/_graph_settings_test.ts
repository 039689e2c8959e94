import assert from "node:assert/strict";
import { defaultConfig } from "../config/mod.ts";
import { createTempProject } from "../../tests/_lib/project.ts";
import { GRAPH_DEFAULTS, readGraphSettings } from "./_graph_settings.ts";

Deno.test("the graph command's fast-path defaults are the config schema's defaults", () => {
  const config = defaultConfig();
  assert.deepEqual(GRAPH_DEFAULTS, {
    budget: config.context.max_decision_context_tokens,
    staleDays: config.graph.stale_days,
  });
});

Deno.test("graph settings come from .loom.toml, the user config and LOOM_* variables when set", async () => {
  await using project = await createTempProject({
    ".loom.toml": "[context]\nmax_decision_context_tokens = 300\n",
    "home/.loom/config.toml": "[graph]\nstale_days = 5\n",
  });
  const home = project.path("home");
  assert.deepEqual(await readGraphSettings(project.root, home, {}), { budget: 300, staleDays: 5 });
  assert.deepEqual(
    await readGraphSettings(project.root, home, { LOOM_GRAPH_STALE_DAYS: "9" }),
    { budget: 300, staleDays: 9 },
  );
  await using bare = await createTempProject({ ".loom.toml": '[sandbox]\nmode = "off"\n' });
  assert.deepEqual(
    await readGraphSettings(bare.root, bare.path("home"), {
      LOOM_CONTEXT_MAX_DECISION_CONTEXT_TOKENS: "77",
    }),
    { budget: 77, staleDays: 14 },
  );
  assert.deepEqual(await readGraphSettings(bare.root, bare.path("home"), {}), GRAPH_DEFAULTS);
});

Deno.test("an invalid graph setting is still reported by the full config loader", async () => {
  await using project = await createTempProject({
    ".loom.toml": "[context]\nmax_decision_context_tokens = -5\n",
  });
  await assert.rejects(
    readGraphSettings(project.root, project.path("home"), {}),
    /max_decision_context_tokens/,
  );
});
