import assert from "node:assert/strict";
import { join } from "node:path";
import { z } from "zod";
import { LoomError } from "../core/mod.ts";
import type { PermissionRequest } from "../core/mod.ts";
import { createPermissionEngine } from "../permissions/mod.ts";
import type { Answer } from "../permissions/types.ts";
import { defaultConfig, emptyRules } from "../config/mod.ts";
import { createTempProject } from "../../tests/_lib/project.ts";
import { createTestContext } from "../../tests/_lib/context.ts";
import { defineTool } from "./define.ts";
import type { Tool } from "./define.ts";
import { runTool } from "./run.ts";
import type { ToolHost } from "./run.ts";
import { fileEdit } from "./file_edit.ts";
import { fileRead } from "./file_read.ts";

/** A tool that records its runs and can fail on demand. */
function createFakeWriteTool(runs: string[]): Tool {
  return defineTool({
    name: "fake_write",
    description: "Writes nothing; records the call.",
    input: z.object({ path: z.string(), fail: z.boolean().optional() }),
    annotations: {
      title: "Fake write",
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: true,
      openWorldHint: false,
    },
    async permission(input, ctx) {
      const guarded = await ctx.guard.resolveForWrite(input.path);
      return { kind: "write", tool: "file_write", paths: [guarded.rel] };
    },
    run(input) {
      if (input.fail) throw new LoomError("NOT_FOUND", `Cannot write "${input.path}": no luck`);
      runs.push(input.path);
      return Promise.resolve({ text: `wrote ${input.path}` });
    },
  });
}

async function createHost(root: string, runs: string[], answers: Answer[] | null) {
  const asked: PermissionRequest[] = [];
  const permissions = createPermissionEngine({
    permissions: defaultConfig().permissions,
    rules: emptyRules(),
    root,
  });
  const host: ToolHost = {
    tools: new Map([["fake_write", createFakeWriteTool(runs)]]),
    context: await createTestContext(root),
    permissions,
    ask: answers === null ? undefined : (request) => {
      asked.push(request);
      return Promise.resolve(answers.shift() ?? "deny");
    },
  };
  return { host, asked };
}

Deno.test("runTool turns unknown tools and invalid arguments into USAGE outcomes without running", async () => {
  await using project = await createTempProject();
  const runs: string[] = [];
  const { host } = await createHost(project.root, runs, ["once"]);
  const unknown = await runTool(host, "nope", {});
  assert.equal(unknown.code, "USAGE");
  assert.match(unknown.text, /no such tool\. The tools are fake_write/);
  const invalid = await runTool(host, "fake_write", { path: 3 });
  assert.equal(invalid.code, "USAGE");
  assert.match(invalid.text, /path:/);
  assert.deepEqual(runs, []);
});

Deno.test("runTool denies an ask where nobody can answer and names the rule to add", async () => {
  await using project = await createTempProject();
  const runs: string[] = [];
  const { host } = await createHost(project.root, runs, null);
  const outcome = await runTool(host, "fake_write", { path: "a.txt" });
  assert.equal(outcome.code, "DENIED");
  assert.match(outcome.text, /nobody can answer/);
  assert.match(outcome.text, /file_write/);
  assert.deepEqual(runs, []);
});

Deno.test("runTool asks once per call, and a session grant stops further questions", async () => {
  await using project = await createTempProject();
  const runs: string[] = [];
  const { host, asked } = await createHost(project.root, runs, ["once", "session", "deny"]);
  assert.equal((await runTool(host, "fake_write", { path: "a.txt" })).isError, undefined);
  assert.equal((await runTool(host, "fake_write", { path: "a.txt" })).isError, undefined);
  assert.equal((await runTool(host, "fake_write", { path: "a.txt" })).isError, undefined);
  assert.equal(asked.length, 2);
  const denied = await runTool(host, "fake_write", { path: "b.txt" });
  assert.equal(denied.code, "DENIED");
  assert.deepEqual(runs, ["a.txt", "a.txt", "a.txt"]);
});

Deno.test("runTool reports guard refusals and tool failures as errors the model can act on", async () => {
  await using project = await createTempProject();
  const runs: string[] = [];
  const { host } = await createHost(project.root, runs, ["once", "once"]);
  const outside = await runTool(host, "fake_write", { path: "../x" });
  assert.equal(outside.code, "OUTSIDE_PROJECT");
  assert.equal(outside.isError, true);
  const failed = await runTool(host, "fake_write", { path: "a.txt", fail: true });
  assert.equal(failed.code, "NOT_FOUND");
  assert.equal(failed.text, 'Cannot write "a.txt": no luck');
  assert.deepEqual(runs, []);
});

Deno.test("runTool does not start a call whose signal is already aborted", async () => {
  await using project = await createTempProject();
  const runs: string[] = [];
  const { host } = await createHost(project.root, runs, ["once"]);
  const controller = new AbortController();
  controller.abort();
  const outcome = await runTool(host, "fake_write", { path: "a.txt" }, {
    signal: controller.signal,
  });
  assert.equal(outcome.code, "CANCELLED");
  assert.deepEqual(runs, []);
});

Deno.test("runTool resolves paths afresh after a person answers, so a symlink swapped in meanwhile is refused", async () => {
  await using project = await createTempProject({ "sub/a.txt": "const mode = 'alpha';\n" });
  const outside = await Deno.realPath(await Deno.makeTempDir({ prefix: "loom-outside-" }));
  try {
    await Deno.writeTextFile(join(outside, "a.txt"), "const mode = 'alpha';\n");
    const permissions = createPermissionEngine({
      permissions: defaultConfig().permissions,
      rules: emptyRules(),
      root: project.root,
    });
    const host: ToolHost = {
      tools: new Map([["file_read", fileRead], ["file_edit", fileEdit]]),
      context: await createTestContext(project.root),
      permissions,
      // While the person decides, the project's directory becomes a link to the same-named
      // file outside: the edit was asked about inside the project and must not land outside.
      ask: async () => {
        await Deno.rename(project.path("sub"), project.path("sub_old"));
        await Deno.symlink(outside, project.path("sub"));
        return "once";
      },
    };
    assert.equal((await runTool(host, "file_read", { path: "sub/a.txt" })).isError, undefined);
    const edit = await runTool(host, "file_edit", {
      path: "sub/a.txt",
      edits: [{ old_string: "alpha", new_string: "beta" }],
    });
    assert.equal(edit.code, "OUTSIDE_PROJECT");
    assert.equal(await Deno.readTextFile(join(outside, "a.txt")), "const mode = 'alpha';\n");
    assert.deepEqual([...Deno.readDirSync(outside)].map((e) => e.name), ["a.txt"]);
  } finally {
    await Deno.remove(outside, { recursive: true });
  }
});

Deno.test("runTool never reuses a path resolved by an earlier call", async () => {
  await using project = await createTempProject({ "a.txt": "one\n" });
  const permissions = createPermissionEngine({
    permissions: defaultConfig().permissions,
    rules: emptyRules(),
    root: project.root,
  });
  const context = await createTestContext(project.root);
  const host: ToolHost = { tools: new Map([["file_read", fileRead]]), context, permissions };
  // Two calls on one host: the second sees the file's new content, not the first call's view.
  assert.match((await runTool(host, "file_read", { path: "a.txt" })).text, /1\tone/);
  await project.write("a.txt", "two\n");
  assert.match((await runTool(host, "file_read", { path: "a.txt" })).text, /1\ttwo/);
  // A missing file resolved by one call is found once created, by the next.
  assert.equal((await runTool(host, "file_read", { path: "b.txt" })).code, "NOT_FOUND");
  await project.write("b.txt", "here\n");
  assert.match((await runTool(host, "file_read", { path: "b.txt" })).text, /1\there/);
});
