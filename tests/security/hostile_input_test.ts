// Inputs made to make one check run for minutes: the glob of a search, a rule in a cloned
// repository's LOOM.md, a shell line given to the permission engine. Each once froze the whole
// process (every request `loom mcp` serves waits on the one thread). These run a real `loom mcp`
// with a real client; each call has a deadline far above what Loom needs and far below what the
// backtracking took, and a ping afterwards shows the server still answers.
import assert from "node:assert/strict";
import { createTempProject } from "../_lib/project.ts";
import { connectStdio, createTempHome } from "../_lib/mcp.ts";

/** Far more than Loom needs (well under a second a call), far less than the old code took. */
const DEADLINE_MS = 60_000;
const within = { timeout: DEADLINE_MS };

/** A long file name of one letter: backtracking on `a*a*…b` multiplies with its length. */
const LONG_NAME = `${"a".repeat(80)}.ts`;

/** `a*` forty times, then a `b` no name here has: a backtracking matcher tries every split. */
const STARS = `${"a*".repeat(40)}b`;

const text = (result: Record<string, unknown>) => (result.content as { text: string }[])[0].text;

Deno.test(
  "loom mcp answers file_search and content_search with a catastrophic glob, then a ping",
  { sanitizeResources: false, sanitizeOps: false },
  async () => {
    await using project = await createTempProject({
      [`src/${LONG_NAME}`]: "export const a = 1;\n",
      "src/b.ts": "export const b = 2;\n",
    });
    await using home = await createTempHome();
    for (const engine of ["builtin", "rg"]) {
      await using s = await connectStdio(project.root, home.path, {
        env: { LOOM_SEARCH_ENGINE: engine },
      });
      const files = await s.client.callTool(
        { name: "file_search", arguments: { pattern: STARS } },
        undefined,
        within,
      );
      assert.equal(text(files), `No files match "${STARS}"`, engine);
      const found = await s.client.callTool(
        { name: "content_search", arguments: { pattern: "export", glob: [STARS, "*.ts"] } },
        undefined,
        within,
      );
      assert.deepEqual(text(found).split("\n").sort(), [`src/${LONG_NAME}`, "src/b.ts"], engine);
      assert.deepEqual(await s.client.ping(within), {});
    }
  },
);

Deno.test(
  "a cloned repository's LOOM.md deny rule made to backtrack does not stall listing or reading",
  { sanitizeResources: false, sanitizeOps: false },
  async () => {
    await using project = await createTempProject({
      // Deny rules bind before the project is trusted: they can only narrow.
      "LOOM.md": `# Repo\n\n## Allowed Operations\n\nFile Read Denied: ${STARS}, secret.txt\n`,
      [`src/${LONG_NAME}`]: "export const a = 1;\n",
      "secret.txt": "hunter2\n",
    });
    await using home = await createTempHome();
    await using s = await connectStdio(project.root, home.path);
    const listed = await s.client.callTool(
      { name: "directory_list", arguments: { path: "src" } },
      undefined,
      within,
    );
    assert.match(text(listed), new RegExp(LONG_NAME.replace(".", "\\.")));
    const read = await s.client.callTool(
      { name: "file_read", arguments: { path: `src/${LONG_NAME}` } },
      undefined,
      within,
    );
    assert.match(text(read), /export const a = 1;/);
    // The rest of the line still binds.
    const denied = await s.client.callTool(
      { name: "file_read", arguments: { path: "secret.txt" } },
      undefined,
      within,
    );
    assert.equal(denied.isError, true);
    assert.deepEqual(await s.client.ping(within), {});
  },
);

Deno.test(
  "the permission check answers shell lines with thousands of arguments or levels at once",
  { sanitizeResources: false, sanitizeOps: false },
  async () => {
    await using project = await createTempProject({ "a.txt": "alpha\n" });
    await using home = await createTempHome();
    // This client cannot be asked (no elicitation): a line that needs a person is denied.
    await using s = await connectStdio(project.root, home.path);
    const shell = (command: string) =>
      s.client.callTool({ name: "shell", arguments: { command } }, undefined, within);
    // 8,000 arguments took 14 s to judge; thousands of nested $( overflowed the stack.
    const wide = await shell(`echo ${"word ".repeat(8000)}`);
    assert.equal(wide.isError, true);
    assert.match(text(wide), /denied|ask/i);
    const deep = await shell(`echo ${"$(".repeat(3000)}x${")".repeat(3000)}`);
    assert.equal(deep.isError, true);
    assert.match(text(deep), /nests more than \d+ levels deep/);
    const chain = await shell(`eval ${"eval ".repeat(5000)}ls`);
    assert.equal(chain.isError, true);
    assert.deepEqual(await s.client.ping(within), {});
  },
);

Deno.test(
  "a named pipe in the project is refused by every tool that would read it, and the server answers on",
  { sanitizeResources: false, sanitizeOps: false },
  async () => {
    // Opening a FIFO waits for a writer: a synchronous open froze the whole server for good.
    await using project = await createTempProject({ "a.txt": "alpha\n" });
    await new Deno.Command("mkfifo", { args: [project.path("pipe")] }).output();
    assert.ok(Deno.lstatSync(project.path("pipe")).isFifo);
    await using home = await createTempHome();
    for (const engine of ["builtin", "rg"]) {
      await using s = await connectStdio(project.root, home.path, {
        env: { LOOM_SEARCH_ENGINE: engine },
        // Writes would ask; --yes approves them, so only the pipe check stands in the way.
        args: ["--yes"],
      });
      const calls: [string, Record<string, unknown>][] = [
        ["file_read", { path: "pipe" }],
        ["file_edit", { path: "pipe", old_string: "a", new_string: "b" }],
        ["file_write", { path: "pipe", content: "x" }],
        ["content_search", { pattern: "alpha", path: "pipe" }],
      ];
      for (const [name, args] of calls) {
        const result = await s.client.callTool({ name, arguments: args }, undefined, within);
        assert.equal(result.isError, true, `${engine} ${name}`);
        assert.match(text(result), /it is a named pipe \(FIFO\)/, `${engine} ${name}`);
      }
      const found = await s.client.callTool(
        { name: "content_search", arguments: { pattern: "alpha" } },
        undefined,
        within,
      );
      assert.equal(text(found), "a.txt", engine);
      assert.deepEqual(await s.client.ping(within), {});
    }
  },
);
