import assert from "node:assert/strict";
import { createTempProject } from "./_lib/project.ts";
import {
  connectStdio,
  createTempHome,
  ElicitRequestSchema,
  eventually,
  LoggingMessageNotificationSchema,
  pidsMatching,
  ResourceUpdatedNotificationSchema,
} from "./_lib/mcp.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

Deno.test(
  "loom mcp lists every tool with title, annotations and an object schema, and file_read works",
  opts,
  async () => {
    await using project = await createTempProject({ "src/app.ts": "export const answer = 42;\n" });
    await using home = await createTempHome();
    await using s = await connectStdio(project.root, home.path);
    const { tools } = await s.client.listTools();
    assert.deepEqual(tools.map((t) => t.name).slice(0, 8), [
      "file_read",
      "file_write",
      "file_edit",
      "file_search",
      "content_search",
      "directory_list",
      "shell",
      "git",
    ]);
    for (const tool of tools) {
      assert.equal(tool.inputSchema.type, "object", tool.name);
      assert.equal(typeof tool.title, "string", tool.name);
      assert.equal(typeof tool.annotations?.readOnlyHint, "boolean", tool.name);
      assert.ok((tool.description ?? "").length > 40, tool.name);
    }
    assert.equal(tools.find((t) => t.name === "file_read")?.annotations?.readOnlyHint, true);
    const result = await s.client.callTool({
      name: "file_read",
      arguments: { path: "src/app.ts" },
    });
    assert.equal(result.isError, undefined);
    assert.match(JSON.stringify(result.content), /export const answer = 42;/);
    // The text is the whole result: no structured copy of it (see tools_test.ts).
    assert.equal(result.structuredContent, undefined);
  },
);

Deno.test(
  "a call that would ask is denied with the rule to add when the client cannot elicit, and nothing runs",
  opts,
  async () => {
    await using project = await createTempProject();
    await using home = await createTempHome();
    await using s = await connectStdio(project.root, home.path);
    const result = await s.client.callTool({
      name: "shell",
      arguments: { command: "touch made.txt" },
    });
    assert.equal(result.isError, true);
    const text = (result.content as { text: string }[])[0].text;
    assert.match(text, /denied/);
    assert.match(text, /allow = \["shell\(touch made\.txt\)"\]/);
    await assert.rejects(Deno.stat(project.path("made.txt")), Deno.errors.NotFound);
  },
);

Deno.test(
  "an ask becomes an elicitation: deny runs nothing, once runs once, session stops asking",
  opts,
  async () => {
    await using project = await createTempProject();
    await using home = await createTempHome();
    await using s = await connectStdio(project.root, home.path, { elicitation: true });
    const answers = ["deny", "once", "session"];
    const asked: string[] = [];
    s.client.setRequestHandler(ElicitRequestSchema, (request) => {
      asked.push(request.params.message);
      return { action: "accept", content: { decision: answers.shift() ?? "deny" } };
    });
    const touch = (name: string) =>
      s.client.callTool({ name: "shell", arguments: { command: `touch ${name}` } });

    assert.equal((await touch("one.txt")).isError, true);
    await assert.rejects(Deno.stat(project.path("one.txt")), Deno.errors.NotFound);
    assert.match(asked[0], /touch one\.txt/);

    assert.notEqual((await touch("one.txt")).isError, true);
    assert.ok((await Deno.stat(project.path("one.txt"))).isFile);

    assert.notEqual((await touch("one.txt")).isError, true); // answered "session"
    assert.notEqual((await touch("one.txt")).isError, true); // the grant: no question
    assert.equal(asked.length, 3);
  },
);

Deno.test(
  "cancelling a long shell call kills its processes; progress arrives while it runs",
  opts,
  async () => {
    await using project = await createTempProject();
    await using home = await createTempHome();
    await using s = await connectStdio(project.root, home.path, { args: ["--yes"] });
    const marker = `sleep ${7000 + Math.floor(Math.random() * 2000)}`;
    const controller = new AbortController();
    const progress: string[] = [];
    let started!: () => void;
    const running = new Promise<void>((resolve) => started = resolve);
    const call = s.client.callTool(
      { name: "shell", arguments: { command: `echo started; ${marker}` } },
      undefined,
      {
        signal: controller.signal,
        onprogress: (p) => {
          progress.push(p.message ?? "");
          if ((p.message ?? "").includes("started")) started();
        },
      },
    );
    await running;
    assert.ok((await pidsMatching(marker)).length > 0, "the command runs before the cancel");
    controller.abort();
    await assert.rejects(call);
    assert.ok(
      await eventually(async () => (await pidsMatching(marker)).length === 0),
      "no process is left",
    );
    assert.ok(progress.some((m) => m.includes("started")));
    // The server keeps serving.
    assert.equal(
      (await s.client.callTool({ name: "directory_list", arguments: {} })).isError,
      undefined,
    );
  },
);

Deno.test(
  "resources: rules, redacted config, project files through the guard, and updates on change",
  opts,
  async () => {
    await using project = await createTempProject({
      "LOOM.md": "# Team notes\nAlways run the linter.\n",
      "notes.txt": "first\n",
    });
    await using home = await createTempHome();
    await Deno.mkdir(`${home.path}/.loom`);
    await Deno.writeTextFile(
      `${home.path}/.loom/config.toml`,
      '[mcp.servers.db]\ncommand = "db-mcp"\nenv = { DB_PASSWORD = "hunter2" }\n',
    );
    await using s = await connectStdio(project.root, home.path);
    const { resources } = await s.client.listResources();
    assert.deepEqual(resources.map((r) => r.uri).slice(0, 2), ["loom://rules", "loom://config"]);
    const { resourceTemplates } = await s.client.listResourceTemplates();
    assert.equal(resourceTemplates[0].uriTemplate, "loom://file/{path}");

    const rules = await s.client.readResource({ uri: "loom://rules" });
    assert.match(JSON.stringify(rules), /Always run the linter/);
    const config = JSON.stringify(await s.client.readResource({ uri: "loom://config" }));
    assert.match(config, /db-mcp/);
    assert.doesNotMatch(config, /hunter2/);

    const file = await s.client.readResource({ uri: "loom://file/notes.txt" });
    assert.equal((file.contents[0] as { text: string }).text, "first\n");
    await assert.rejects(
      s.client.readResource({ uri: "loom://file/..%2F..%2Fetc%2Fpasswd" }),
      /outside the project/,
    );
    await assert.rejects(s.client.readResource({ uri: "loom://nothing" }), /no such resource/);

    const updated = new Promise<string>((resolve) => {
      s.client.setNotificationHandler(
        ResourceUpdatedNotificationSchema,
        (n) => resolve(n.params.uri),
      );
    });
    await s.client.subscribeResource({ uri: "loom://file/notes.txt" });
    await project.write("notes.txt", "second\n");
    assert.equal(await updated, "loom://file/notes.txt");
  },
);

Deno.test(
  "the loom-start prompt carries the project's instructions and the task; focus completes paths",
  opts,
  async () => {
    await using project = await createTempProject({
      "LOOM.md": "Use tabs, never spaces.\n",
      "src/main.ts": "",
      "scripts/x.sh": "",
    });
    await using home = await createTempHome();
    await using s = await connectStdio(project.root, home.path);
    const { prompts } = await s.client.listPrompts();
    assert.equal(prompts[0].name, "loom-start");
    const prompt = await s.client.getPrompt({
      name: "loom-start",
      arguments: { task: "fix the build" },
    });
    const text = (prompt.messages[0].content as { text: string }).text;
    assert.match(text, /Use tabs, never spaces\./);
    assert.match(text, /Task: fix the build/);
    const done = await s.client.complete({
      ref: { type: "ref/prompt", name: "loom-start" },
      argument: { name: "focus", value: "s" },
    });
    assert.deepEqual(done.completion.values, ["scripts/", "src/"]);
    const deeper = await s.client.complete({
      ref: { type: "ref/resource", uri: "loom://file/{path}" },
      argument: { name: "path", value: "src/m" },
    });
    assert.deepEqual(deeper.completion.values, ["src/main.ts"]);
  },
);

Deno.test(
  "logging/setLevel filters notifications/message; a failed call is logged as a warning",
  opts,
  async () => {
    await using project = await createTempProject();
    await using home = await createTempHome();
    await using s = await connectStdio(project.root, home.path);
    const messages: { level: string; data: unknown }[] = [];
    s.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      messages.push(n.params);
    });
    await s.client.setLoggingLevel("error");
    await s.client.callTool({ name: "file_read", arguments: { path: "missing.txt" } });
    await s.client.setLoggingLevel("warning");
    await s.client.callTool({ name: "file_read", arguments: { path: "also-missing.txt" } });
    await s.client.ping();
    assert.equal(messages.length, 1);
    assert.equal(messages[0].level, "warning");
    assert.match(String(messages[0].data), /also-missing\.txt/);
  },
);

Deno.test(
  "without --project the client's first root is served when the sandbox allows it",
  opts,
  async () => {
    await using project = await createTempProject({
      "top.txt": "top\n",
      "sub/inner.txt": "inner\n",
    });
    await using home = await createTempHome();
    await using s = await connectStdio(project.root, home.path, { roots: [project.path("sub")] });
    const inner = await s.client.callTool({ name: "file_read", arguments: { path: "inner.txt" } });
    assert.match(JSON.stringify(inner.content), /inner/);
    const top = await s.client.callTool({ name: "file_read", arguments: { path: "../top.txt" } });
    assert.equal(top.isError, true);
  },
);

Deno.test(
  "the re-executed server cannot read outside its grants even with no path guard in between",
  opts,
  async () => {
    await using project = await createTempProject({ "inside.txt": "in\n" });
    await using outside = await createTempProject({ "secret.txt": "s3cret\n" });
    await using home = await createTempHome();
    const probe = async (path: string, env: Record<string, string> = {}) => {
      await using s = await connectStdio(project.root, home.path, {
        env: { LOOM_SANDBOX_PROBE: path, ...env },
      });
      return await s.waitForStderr(/^loom-sandbox-probe: /);
    };
    assert.equal(await probe(outside.path("secret.txt")), "loom-sandbox-probe: NotCapable");
    assert.equal(await probe(project.path("inside.txt")), "loom-sandbox-probe: ok");
    // Without the re-exec the same direct read succeeds: the sandbox, not the test, said no.
    assert.equal(
      await probe(outside.path("secret.txt"), { LOOM_MCP_SANDBOX: "off" }),
      "loom-sandbox-probe: ok",
    );
  },
);

Deno.test("loom mcp reports config warnings on stderr, never on the protocol stream", async () => {
  await using project = await createTempProject({ ".loom.toml": "[shell]\ntimeout_secs = 5\n" });
  await using home = await createTempHome();
  await using s = await connectStdio(project.root, home.path);
  const line = await s.waitForStderr(/warning: .*timeout_secs/);
  assert.match(line, /\.loom\.toml/);
  const tools = await s.client.listTools();
  assert.ok(tools.tools.length > 0);
});
