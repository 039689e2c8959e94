import assert from "node:assert/strict";
import { estimateTokens } from "../core/mod.ts";
import { countTokens } from "../llm/mod.ts";
import { assertGolden, memoryGraph, storyGraph } from "./_testing.ts";
import { buildDecisionContext } from "./context.ts";

const UPDATE = Deno.env.get("UPDATE_GOLDEN") === "1";

Deno.test("the decision context of the story graph matches its golden file", async () => {
  const context = buildDecisionContext(storyGraph(), { budgetTokens: 1024 });
  await assertGolden("context.golden.txt", context.text + "\n", UPDATE);
  assert.deepEqual(context.omitted, { goals: 0, rejected: 0, chosen: 0, recent: 0, uncertain: 0 });
});

Deno.test("a tight budget keeps the highest priorities, whole items, and says what it left out", async () => {
  const context = buildDecisionContext(storyGraph(), { budgetTokens: 130 });
  await assertGolden("context_tight.golden.txt", context.text + "\n", UPDATE);
  assert.ok(context.tokens <= 130);
  assert.match(context.text, /Left out to fit 130 tokens: .*outcomes and observations/);
  assert.ok(context.included.goals >= 1);
  for (const line of context.text.split("\n").filter((l) => l.startsWith("- #"))) {
    assert.match(line, /^- #\d+ \w+ ".*"/, "every item is whole");
  }
});

Deno.test("the context never exceeds its budget, whatever the budget", () => {
  const g = storyGraph();
  for (let budget = 0; budget <= 600; budget += 7) {
    const c = buildDecisionContext(g, { budgetTokens: budget });
    assert.ok(estimateTokens(c.text) <= budget, `budget ${budget} gave ${c.tokens}`);
    const shown = Object.values(c.included).reduce((a, b) => a + b, 0);
    if (c.text && shown < 8) assert.match(c.text, /Left out to fit/);
  }
});

Deno.test("rejected options come with their reasons so they are not retried silently", () => {
  const c = buildDecisionContext(storyGraph(), { budgetTokens: 1024 });
  assert.match(
    c.text,
    /#9 option "Postgres" for #2 "How to store the graph": needs a server process/,
  );
  assert.doesNotMatch(
    c.text,
    /One JSON file per project/,
    "superseded options are not listed as chosen",
  );
});

Deno.test("an empty graph says so within the budget", () => {
  const c = buildDecisionContext(memoryGraph(), { budgetTokens: 1024 });
  assert.match(c.text, /No decisions recorded yet/);
});

Deno.test("a section with more rows than candidates says how many were left out, even with room to spare", () => {
  const g = memoryGraph();
  for (let i = 1; i <= 30; i++) g.addNode({ type: "observation", title: `Observation ${i} é` });
  const c = buildDecisionContext(g, { budgetTokens: 100_000 });
  assert.equal(c.included.recent, 25);
  assert.equal(c.omitted.recent, 5);
  assert.match(c.text, /Left out to fit 100000 tokens: 5 outcomes and observations;/);
  assert.match(c.text, /- #30 observation "Observation 30 é" \[completed\]/);
  assert.doesNotMatch(c.text, /"Observation 5 é"/);
  assert.equal(c.tokens, estimateTokens(c.text));
});

Deno.test("with a real tokenizer the block fits its budget in real tokens", () => {
  // Punctuation-dense titles run to about one token per character or two: a quarter of the
  // characters (the default count) would put several times the budget in front of the model.
  const g = memoryGraph();
  for (let i = 1; i <= 20; i++) {
    g.addNode({ type: "observation", title: `x[${i}]+=y{${i}};z<<=(${i}|~w)>>${i};#${i}@` });
  }
  for (let budget = 60; budget <= 600; budget += 27) {
    const real = buildDecisionContext(g, { budgetTokens: budget, countTokens });
    assert.ok(real.text !== "", `budget ${budget}: something fits`);
    assert.equal(real.tokens, countTokens(real.text));
    assert.ok(real.tokens <= budget, `budget ${budget} gave ${real.tokens} real tokens`);
  }
  const guessed = buildDecisionContext(g, { budgetTokens: 300 });
  assert.ok(countTokens(guessed.text) > 300, "the default count underestimates this text");
});
