// A real third-party client: the MCP Inspector CLI (pinned in deno.json, installed by
// `deno install`) drives `loom mcp` over stdio and over Streamable HTTP.
import assert from "node:assert/strict";
import { createTempProject } from "./_lib/project.ts";
import { createTempHome, MAIN, REPO, serverEnv, startHttpServer } from "./_lib/mcp.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };
const INSPECTOR = "npm:@modelcontextprotocol/inspector@2.12.0/mcp-inspector";

interface InspectorRun {
  code: number;
  // deno-lint-ignore no-explicit-any
  json: any;
  stderr: string;
}

/** Runs `mcp-inspector --cli OPTIONS -- TARGET...` and parses what it printed. */
async function inspector(
  options: string[],
  target: string[],
  home: string,
): Promise<InspectorRun> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", INSPECTOR, "--cli", ...options, "--", ...target],
    cwd: REPO,
    env: serverEnv(home, { MCP_CATALOG_PATH: `${home}/inspector-catalog.json` }),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    throw new Error(`the inspector printed no JSON (exit ${out.code}):\n${stdout}\n${stderr}`);
  }
  return { code: out.code, json, stderr };
}

async function exercise(target: string[], extra: string[], home: string): Promise<void> {
  const list = await inspector(["--method", "tools/list", "--strict", ...extra], target, home);
  assert.equal(list.code, 0, list.stderr); // --strict: exit 6 on any schema portability error
  const names = list.json.tools.map((t: { name: string }) => t.name);
  assert.ok(names.includes("file_read") && names.includes("shell"), names.join(", "));

  const call = await inspector(
    [
      "--method",
      "tools/call",
      "--tool-name",
      "file_read",
      "--tool-arg",
      "path=notes.txt",
      ...extra,
    ],
    target,
    home,
  );
  assert.equal(call.code, 0, call.stderr);
  assert.match(call.json.content[0].text, /1\tseen by the inspector/);
  assert.equal(call.json.structuredContent, undefined);

  const read = await inspector(
    ["--method", "resources/read", "--uri", "loom://file/notes.txt", ...extra],
    target,
    home,
  );
  assert.equal(read.code, 0, read.stderr);
  assert.equal(read.json.contents[0].text, "seen by the inspector\n");

  const prompt = await inspector(
    [
      "--method",
      "prompts/get",
      "--prompt-name",
      "loom-start",
      "--prompt-args",
      "task=ship",
      ...extra,
    ],
    target,
    home,
  );
  assert.equal(prompt.code, 0, prompt.stderr);
  assert.match(prompt.json.messages[0].content.text, /Task: ship/);
}

Deno.test(
  "the MCP Inspector CLI lists (--strict), calls, reads and gets a prompt over stdio",
  opts,
  async () => {
    await using project = await createTempProject({ "notes.txt": "seen by the inspector\n" });
    await using home = await createTempHome();
    const target = [Deno.execPath(), "run", "-A", MAIN, "mcp", "--project", project.root];
    await exercise(target, [], home.path);
  },
);

Deno.test(
  "the MCP Inspector CLI lists (--strict), calls, reads and gets a prompt over Streamable HTTP",
  opts,
  async () => {
    await using project = await createTempProject({ "notes.txt": "seen by the inspector\n" });
    await using home = await createTempHome();
    await using server = await startHttpServer(project.root, home.path, {
      LOOM_MCP_TOKEN: "inspector-token",
    });
    const extra = ["--transport", "http", "--header", `Authorization: Bearer ${server.token}`];
    await exercise([server.url], extra, home.path);
  },
);
