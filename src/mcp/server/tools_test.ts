import assert from "node:assert/strict";
import { createTempProject } from "../../../tests/_lib/project.ts";
import { Client, createTempHome, InMemoryTransport } from "../../../tests/_lib/mcp.ts";
import { openToolHost } from "../../tools/host.ts";
import { createLoomServer } from "./server.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

Deno.test(
  "every structured result matches its tool's outputSchema and holds the whole text, for hosts that read only structuredContent",
  opts,
  async () => {
    await using project = await createTempProject({
      "a.txt": "one\ntwo\nthree\n",
      "empty.txt": "",
      "src/x.ts": "export const x = 1;\n",
    }, { git: true });
    await using home = await createTempHome();
    const opened = await openToolHost({
      root: project.root,
      home: home.path,
      env: { PATH: Deno.env.get("PATH") ?? "" },
      flags: { permissions: { auto_approve: true } },
    });
    const loom = createLoomServer({
      openHost: () => Promise.resolve(opened),
      project: project.root,
      cwd: project.root,
      version: "test",
    });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await loom.server.connect(serverSide);
    const client = new Client({ name: "schema-check", version: "0" });
    await client.connect(clientSide);
    const { tools } = await client.listTools(); // the client now validates against outputSchema
    const withSchema = tools.filter((t) => t.outputSchema).map((t) => t.name);
    for (const name of ["file_write", "file_edit", "shell", "decision_log", "decision_query"]) {
      assert.ok(withSchema.includes(name), name);
    }
    // Where the text is the result, a structured copy would only double every reply.
    for (const name of ["file_read", "directory_list", "file_search", "content_search", "git"]) {
      assert.ok(!withSchema.includes(name), name);
    }

    const calls: [string, Record<string, unknown>][] = [
      ["file_read", { path: "a.txt" }],
      ["file_read", { path: "a.txt", offset: 2, limit: 1 }],
      ["file_read", { path: "empty.txt" }],
      ["file_write", { path: "new.txt", content: "fresh\n" }],
      ["file_write", { path: "a.txt", content: "one\n2\nthree\n" }],
      ["file_edit", { path: "a.txt", edits: [{ old_string: "2", new_string: "two" }] }],
      [
        "file_edit",
        {
          path: "a.txt",
          edits: [{ old_string: "two", new_string: "X" }, { old_string: "X", new_string: "two" }],
        },
      ],
      ["directory_list", {}],
      ["directory_list", { path: "src", depth: 1 }],
      ["shell", { command: "echo hi" }],
      ["file_search", { pattern: "**/*.ts" }],
      ["content_search", { pattern: "export" }],
      ["git", { operation: "status" }],
    ];
    const byName = new Map(opened.host.tools);
    for (const [name, args] of calls) {
      const result = await client.callTool({ name, arguments: args });
      assert.notEqual(result.isError, true, `${name} ${JSON.stringify(result.content)}`);
      const output = byName.get(name)?.output;
      if (!output) {
        assert.equal(result.structuredContent, undefined, name);
        continue;
      }
      assert.ok(result.structuredContent, `${name} returned structured content`);
      const checked = output.safeParse(result.structuredContent);
      assert.ok(checked.success, `${name}: ${JSON.stringify(checked.error?.issues)}`);
      // Claude Code, for one, shows the model only structuredContent when a result has it.
      const text = (result.content as { text: string }[])[0].text;
      assert.equal((result.structuredContent as { text?: string }).text, text, name);
    }
    await client.close();
    await loom.close();
  },
);

Deno.test(
  "a session logs the project it serves once initialized, unless told the start-up said it",
  opts,
  async () => {
    await using project = await createTempProject({});
    await using home = await createTempHome();
    const opened = await openToolHost({
      root: project.root,
      home: home.path,
      env: { PATH: Deno.env.get("PATH") ?? "" },
    });
    for (const announce of [true, false]) {
      const logged: string[] = [];
      const loom = createLoomServer({
        openHost: () => Promise.resolve(opened),
        project: project.root,
        cwd: project.root,
        version: "test",
        log: (text) => logged.push(text),
        announce,
      });
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      await loom.server.connect(serverSide);
      const client = new Client({ name: "announce", version: "0" });
      await client.connect(clientSide); // sends notifications/initialized
      await client.ping(); // by its answer the initialized notification has been handled
      await loom.opened();
      assert.deepEqual(
        logged.filter((l) => l.includes("serving")),
        announce ? [`loom mcp: serving ${project.root}`] : [],
        String(announce),
      );
      await client.close();
      await loom.close();
    }
  },
);
