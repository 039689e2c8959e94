import assert from "node:assert/strict";
import { createDeferredRunner } from "./deferred.ts";
import { createProcessRunner } from "./runner.ts";

Deno.test("a deferred runner builds its runner once, on the first sandboxed run, and runs through it", async () => {
  let builds = 0;
  const plain = createProcessRunner({ env: { PATH: Deno.env.get("PATH") ?? "" } });
  const runner = createDeferredRunner(() => {
    builds++;
    return Promise.resolve(plain);
  }, plain);
  assert.equal(builds, 0);
  const direct = await runner.run(["echo", "direct"], {
    cwd: Deno.cwd(),
    timeoutMs: 10_000,
    sandbox: false,
  });
  assert.equal(direct.stdout, "direct\n");
  assert.equal(builds, 0);
  const [a, b] = await Promise.all([
    runner.run(["echo", "one"], { cwd: Deno.cwd(), timeoutMs: 10_000 }),
    runner.run(["echo", "two"], { cwd: Deno.cwd(), timeoutMs: 10_000 }),
  ]);
  assert.equal(builds, 1);
  assert.equal(a.stdout, "one\n");
  assert.equal(b.stdout, "two\n");
});
