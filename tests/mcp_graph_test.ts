import assert from "node:assert/strict";
import { createTempProject } from "./_lib/project.ts";
import {
  connectStdio,
  createTempHome,
  MAIN,
  ResourceUpdatedNotificationSchema,
  serverEnv,
} from "./_lib/mcp.ts";
import type { StdioSession } from "./_lib/mcp.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

type CallResult = Awaited<ReturnType<StdioSession["client"]["callTool"]>>;

function textOf(result: CallResult): string {
  return (result.content as { text: string }[])[0].text;
}

async function log(s: StdioSession, args: Record<string, unknown>): Promise<CallResult> {
  const result = await s.client.callTool({ name: "decision_log", arguments: args });
  assert.equal(result.isError, undefined, textOf(result));
  return result;
}

async function readText(s: StdioSession, uri: string): Promise<string> {
  const { contents } = await s.client.readResource({ uri });
  return (contents[0] as { text: string }).text;
}

/** A goal, a decision, a rejected and a chosen option, through the MCP server. */
async function story(s: StdioSession): Promise<void> {
  await log(s, { action: "create", type: "goal", title: "Sync the graph between processes" });
  await log(s, {
    action: "create",
    type: "decision",
    title: "How to notice another writer",
    parents: [{ id: 1 }],
  });
  await log(s, {
    action: "create",
    type: "option",
    title: "Watch the -wal file",
    parents: [{ id: 2, edge: "rejected", rationale: "checkpoints fire it too" }],
  });
  await log(s, {
    action: "create",
    type: "option",
    title: "Poll PRAGMA data_version",
    parents: [{ id: 2, edge: "chosen", rationale: "one cheap statement" }],
  });
}

Deno.test(
  "decision_log and decision_query work through loom mcp, and tools/list opens no database",
  opts,
  async () => {
    await using project = await createTempProject();
    await using home = await createTempHome();
    await using s = await connectStdio(project.root, home.path);
    const { tools } = await s.client.listTools();
    const names = tools.map((t) => t.name);
    assert.ok(names.includes("decision_log") && names.includes("decision_query"));
    assert.equal(tools.find((t) => t.name === "decision_query")?.annotations?.readOnlyHint, true);
    assert.equal(tools.find((t) => t.name === "decision_log")?.outputSchema?.type, "object");
    await assert.rejects(Deno.stat(project.path(".loom/loom.db")), Deno.errors.NotFound);

    await story(s);
    const created = await log(s, {
      action: "create",
      type: "action",
      title: "Add the poller",
      parents: [{ id: 4 }],
    });
    assert.equal((created.structuredContent as { node: { id: number } }).node.id, 5);
    assert.ok((await Deno.stat(project.path(".loom/loom.db"))).isFile);

    const cycle = await s.client.callTool({
      name: "decision_log",
      arguments: { action: "link", from: 5, to: 1, edge: "leads_to" },
    });
    assert.equal(cycle.isError, true);
    assert.match(textOf(cycle), /would close the cycle/);

    const query = await s.client.callTool({
      name: "decision_query",
      arguments: { view: "list", status: "rejected" },
    });
    assert.match(textOf(query), /#3 option "Watch the -wal file" \[rejected\]/);
    const nodes = (query.structuredContent as { nodes: { title: string }[] }).nodes;
    assert.deepEqual(nodes.map((n) => n.title), ["Watch the -wal file"]);
  },
);

Deno.test(
  "the decision resources serve context, pulse, narrative, the JSON graph and single nodes",
  opts,
  async () => {
    await using project = await createTempProject();
    await using home = await createTempHome();
    await using s = await connectStdio(project.root, home.path);
    await story(s);
    const { resources } = await s.client.listResources();
    const uris = resources.map((r) => r.uri);
    for (const name of ["context", "pulse", "narrative", "graph"]) {
      assert.ok(uris.includes(`loom://decisions/${name}`), name);
    }
    const { resourceTemplates } = await s.client.listResourceTemplates();
    assert.ok(resourceTemplates.some((t) => t.uriTemplate === "loom://decisions/node/{id}"));

    assert.match(
      await readText(s, "loom://decisions/context"),
      /#3 option "Watch the -wal file" for #2 "How to notice another writer": checkpoints fire it too/,
    );
    assert.match(await readText(s, "loom://decisions/pulse"), /Decision graph: 4 nodes, 3 edges/);
    assert.match(await readText(s, "loom://decisions/narrative"), /Poll PRAGMA data_version/);
    const graph = JSON.parse(await readText(s, "loom://decisions/graph"));
    assert.equal(graph.format, "loom-decision-graph");
    assert.equal(graph.nodes.length, 4);
    const node = JSON.parse(await readText(s, "loom://decisions/node/2"));
    assert.equal(node.node.title, "How to notice another writer");
    assert.deepEqual(node.outgoing.map((o: { edge: { type: string } }) => o.edge.type), [
      "rejected",
      "chosen",
    ]);
    await assert.rejects(
      s.client.readResource({ uri: "loom://decisions/node/99" }),
      /no node has the id "99"/,
    );
    await assert.rejects(
      s.client.readResource({ uri: "loom://decisions/everything" }),
      /no such resource/,
    );
  },
);

Deno.test(
  "a subscriber to a decision resource hears about a node another process adds with loom graph",
  opts,
  async () => {
    await using project = await createTempProject();
    await using home = await createTempHome();
    await using s = await connectStdio(project.root, home.path);
    await story(s);
    const updated = new Promise<string>((resolve) => {
      s.client.setNotificationHandler(
        ResourceUpdatedNotificationSchema,
        (n) => resolve(n.params.uri),
      );
    });
    await s.client.subscribeResource({ uri: "loom://decisions/context" });
    const cli = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        MAIN,
        "graph",
        "add",
        "goal",
        "Added by the CLI",
        "--project",
        project.root,
      ],
      env: serverEnv(home.path),
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(cli.code, 0, new TextDecoder().decode(cli.stderr));
    // No sleep: the notification is the signal; the timer only turns a hang into a failure.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve("(no notification within 10 s)"), 10_000);
    });
    assert.equal(await Promise.race([updated, timeout]), "loom://decisions/context");
    clearTimeout(timer);
    assert.match(await readText(s, "loom://decisions/context"), /Added by the CLI/);
  },
);

Deno.test(
  "loom-start brings active goals and rejected options; loom-pulse brings the gaps to review",
  opts,
  async () => {
    await using project = await createTempProject();
    await using home = await createTempHome();
    await using s = await connectStdio(project.root, home.path);
    const { prompts } = await s.client.listPrompts();
    assert.deepEqual(prompts.map((p) => p.name), ["loom-start", "loom-pulse"]);
    await story(s);

    const start = await s.client.getPrompt({ name: "loom-start", arguments: { task: "ship" } });
    const text = (start.messages[0].content as { text: string }).text;
    assert.match(text, /Active goals:\n- #1 "Sync the graph between processes" \[active\]/);
    assert.match(
      text,
      /- #3 option "Watch the -wal file" for #2 "How to notice another writer": checkpoints fire it too/,
    );
    assert.match(text, /Task: ship/);

    const pulse = await s.client.getPrompt({ name: "loom-pulse" });
    const review = (pulse.messages[0].content as { text: string }).text;
    assert.match(review, /Decisions without actions \(1\)/);
    assert.match(review, /record it with decision_log/);
  },
);
