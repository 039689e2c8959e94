/**
 * MCP benchmark (a script, not a test): `deno run -A tests/bench/mcp_bench.ts [--calls 1000]`.
 *
 * Runs `loom mcp` (re-executed into its Deno sandbox, as users run it) and the reference
 * `@modelcontextprotocol/server-filesystem` (on Node, installed once with npm into
 * $LOOM_BENCH_DIR or ~/.cache/loom) side by side on the same files, driven by the same SDK
 * client. Calls are interleaved in blocks so drift hits both servers alike. Prints round-trip
 * p50/p99 for file_read (13 KB, 108 KB), directory_list, file_edit, the time from spawn to the
 * `initialize` result and on to the first `tools/list` answer (Loom answers `initialize` before
 * loading the SDK and its tools), and the RSS of each server's process tree after the calls.
 *
 * directory_list shows each file's size, so its goal row compares it with
 * list_directory_with_sizes (which also stats every file); the row against list_directory (names
 * only) is printed for reference. Loom's start-up is split in two: the re-exec parent (outer) and
 * the sandboxed copy it becomes (inner), measured by starting the inner command line directly.
 * The goal column holds the targets (ratio = loom / reference, lower is better).
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { planMcpSandbox } from "../../src/cli/mcp_cmd.ts";
import { Client, MAIN, REPO, serverEnv, StdioClientTransport } from "../_lib/mcp.ts";

const REF_PACKAGE = "@modelcontextprotocol/server-filesystem";
const REF_VERSION = "2026.8.31";

const args = parseArgs({
  args: Deno.args,
  options: {
    calls: { type: "string", default: "1000" },
    block: { type: "string", default: "50" },
    starts: { type: "string", default: "10" },
  },
});
const CALLS = Number(args.values.calls);
const BLOCK = Number(args.values.block);
const STARTS = Number(args.values.starts);

interface Side {
  name: "loom" | "reference" | "inner";
  client: Client;
  transport: StdioClientTransport;
}

interface Op {
  label: string;
  goal?: string;
  loom: (i: number) => { name: string; arguments: Record<string, unknown> };
  reference: (i: number) => { name: string; arguments: Record<string, unknown> };
}

/** Lines of plausible source code until `bytes` is reached. */
function sourceText(bytes: number): string {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = i % 7 === 0
      ? `export function handler${i}(request: Request, options: Options = {}): Response {`
      : `  const value${i} = compute(request.headers.get("x-${i}") ?? "", options.limit ?? ${i});`;
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join("\n").slice(0, bytes - 1) + "\n";
}

async function referenceEntry(): Promise<string> {
  const base = Deno.env.get("LOOM_BENCH_DIR") ??
    join(Deno.env.get("HOME") ?? "/tmp", ".cache", "loom");
  const dir = join(base, `mcp-bench-ref-${REF_VERSION}`);
  const entry = join(dir, "node_modules", REF_PACKAGE, "dist", "index.js");
  try {
    await Deno.stat(entry);
    return entry;
  } catch {
    await Deno.mkdir(dir, { recursive: true });
    await Deno.writeTextFile(join(dir, "package.json"), '{"private":true}\n');
    const out = await new Deno.Command("npm", {
      args: ["install", "--no-audit", "--no-fund", "--silent", `${REF_PACKAGE}@${REF_VERSION}`],
      cwd: dir,
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (!out.success) throw new Error(`npm install ${REF_PACKAGE}@${REF_VERSION} failed`);
    return entry;
  }
}

/** The command line of Loom's sandboxed copy (what the re-exec parent execs), and its env. */
async function innerCommand(
  root: string,
  home: string,
  tempDir: string,
): Promise<{ argv: string[]; env: Record<string, string> }> {
  const env = serverEnv(home);
  const plan = await planMcpSandbox({
    env,
    home,
    tempDir,
    execPath: () => Deno.execPath(),
    mainModule: pathToFileURL(MAIN).href,
    argv: ["mcp", "--yes", "--project", root],
  }, root);
  return { argv: plan.argv, env: { ...env, LOOM_SANDBOXED: "1", TMPDIR: tempDir } };
}

function transportFor(
  name: Side["name"],
  root: string,
  home: string,
  ref: string,
  inner: { argv: string[]; env: Record<string, string> },
): StdioClientTransport {
  switch (name) {
    case "loom":
      return new StdioClientTransport({
        command: Deno.execPath(),
        args: ["run", "-A", MAIN, "mcp", "--yes", "--project", root],
        env: serverEnv(home),
        cwd: REPO,
        stderr: "ignore",
      });
    case "inner":
      return new StdioClientTransport({
        command: inner.argv[0],
        args: inner.argv.slice(1),
        env: inner.env,
        cwd: REPO,
        stderr: "ignore",
      });
    case "reference":
      return new StdioClientTransport({
        command: "node",
        args: [ref, root],
        env: serverEnv(home),
        cwd: root,
        stderr: "ignore",
      });
  }
}

async function start(
  name: Side["name"],
  root: string,
  home: string,
  ref: string,
  inner: { argv: string[]; env: Record<string, string> },
): Promise<{ side: Side; ms: number; readyMs: number }> {
  const transport = transportFor(name, root, home, ref, inner);
  const client = new Client({ name: "loom-bench", version: "0.0.0" });
  const t0 = performance.now();
  await client.connect(transport); // spawn + initialize round trip
  const ms = performance.now() - t0;
  await client.listTools();
  const readyMs = performance.now() - t0;
  return { side: { name, client, transport }, ms, readyMs };
}

/** RSS in KB of `pid` and all its descendants (Loom's re-exec parent counts too). */
function treeRssKb(pid: number): number {
  const children = new Map<number, number[]>();
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry.name)]);
    } catch {
      // Gone.
    }
  }
  let total = 0;
  const stack = [pid];
  while (stack.length > 0) {
    const p = stack.pop()!;
    try {
      const status = Deno.readTextFileSync(`/proc/${p}/status`);
      total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    } catch {
      // Gone.
    }
    stack.push(...(children.get(p) ?? []));
  }
  return total;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function call(side: Side, request: { name: string; arguments: Record<string, unknown> }) {
  const t0 = performance.now();
  const result = await side.client.callTool(request);
  const ms = performance.now() - t0;
  if (result.isError) {
    throw new Error(`${side.name} ${request.name} failed: ${JSON.stringify(result.content)}`);
  }
  return ms;
}

const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "loom-mcp-bench-" }));
const home = await Deno.realPath(await Deno.makeTempDir({ prefix: "loom-mcp-bench-home-" }));
const innerTemp = await Deno.realPath(await Deno.makeTempDir({ prefix: "loom-mcp-bench-tmp-" }));
try {
  const ref = await referenceEntry();
  const inner = await innerCommand(root, home, innerTemp);
  await Deno.writeTextFile(join(root, "small.ts"), sourceText(13 * 1024));
  await Deno.writeTextFile(join(root, "large.ts"), sourceText(108 * 1024));
  await Deno.writeTextFile(join(root, "edit_loom.ts"), "const mode = 'alpha';\n");
  await Deno.writeTextFile(join(root, "edit_reference.ts"), "const mode = 'alpha';\n");
  await Deno.mkdir(join(root, "src"));
  for (let i = 0; i < 40; i++) {
    await Deno.writeTextFile(join(root, "src", `module_${i}.ts`), `export const n${i} = ${i};\n`);
  }

  // Start-up: rotate which server starts first.
  const names: Side["name"][] = ["loom", "inner", "reference"];
  const startMs: Record<Side["name"], number[]> = { loom: [], inner: [], reference: [] };
  const readyMs: Record<Side["name"], number[]> = { loom: [], inner: [], reference: [] };
  for (let i = 0; i < STARTS; i++) {
    for (const name of [...names.slice(i % 3), ...names.slice(0, i % 3)]) {
      const { side, ms, readyMs: ready } = await start(name, root, home, ref, inner);
      startMs[name].push(ms);
      readyMs[name].push(ready);
      await side.client.close();
    }
  }

  const loom = (await start("loom", root, home, ref, inner)).side;
  const reference = (await start("reference", root, home, ref, inner)).side;
  const abs = (rel: string) => join(root, rel);
  // Loom's file_edit needs the file read first in the session; the reference has no such rule.
  await call(loom, { name: "file_read", arguments: { path: "edit_loom.ts" } });
  const swap = (i: number) => i % 2 === 0 ? ["alpha", "beta"] : ["beta", "alpha"];
  const ops: Op[] = [
    {
      label: "file_read 13 KB",
      goal: "≤ 0.60x",
      loom: () => ({ name: "file_read", arguments: { path: "small.ts" } }),
      reference: () => ({ name: "read_text_file", arguments: { path: abs("small.ts") } }),
    },
    {
      label: "file_read 108 KB",
      goal: "≤ 0.45x",
      loom: () => ({ name: "file_read", arguments: { path: "large.ts" } }),
      reference: () => ({ name: "read_text_file", arguments: { path: abs("large.ts") } }),
    },
    {
      // The compared row: like directory_list, list_directory_with_sizes stats every file.
      label: "directory_list vs list_directory_with_sizes",
      goal: "≤ 1.00x",
      loom: () => ({ name: "directory_list", arguments: { path: "src", depth: 1 } }),
      reference: () => ({ name: "list_directory_with_sizes", arguments: { path: abs("src") } }),
    },
    {
      // For reference only: list_directory gives names alone, no stat per file.
      label: "directory_list vs list_directory (names only)",
      goal: "(not compared)",
      loom: () => ({ name: "directory_list", arguments: { path: "src", depth: 1 } }),
      reference: () => ({ name: "list_directory", arguments: { path: abs("src") } }),
    },
    {
      // Both write a temp file and rename it over the target, without fsync. With
      // LOOM_FILES_FSYNC=true in the bench's environment Loom flushes before the rename.
      label: "file_edit",
      goal: "≤ 0.80x",
      loom: (i) => ({
        name: "file_edit",
        arguments: {
          path: "edit_loom.ts",
          edits: [{ old_string: swap(i)[0], new_string: swap(i)[1] }],
        },
      }),
      reference: (i) => ({
        name: "edit_file",
        arguments: {
          path: abs("edit_reference.ts"),
          edits: [{ oldText: swap(i)[0], newText: swap(i)[1] }],
        },
      }),
    },
  ];

  const rows: string[][] = [];
  const ratio = (a: number, b: number) => (a / b).toFixed(2) + "x";
  const only = Deno.env.get("LOOM_BENCH_ONLY"); // e.g. "file_edit" to run one row
  for (const op of ops.filter((o) => only === undefined || o.label.startsWith(only))) {
    const times: Record<Side["name"], number[]> = { loom: [], inner: [], reference: [] };
    for (let done = 0; done < CALLS; done += BLOCK) {
      const sides = (done / BLOCK) % 2 === 0 ? [loom, reference] : [reference, loom];
      for (const side of sides) {
        const request = side.name === "loom" ? op.loom : op.reference;
        for (let i = done; i < Math.min(CALLS, done + BLOCK); i++) {
          times[side.name].push(await call(side, request(i)));
        }
      }
    }
    const l = times.loom.sort((a, b) => a - b);
    const r = times.reference.sort((a, b) => a - b);
    rows.push([
      op.label,
      `${quantile(l, 0.5).toFixed(2)} / ${quantile(l, 0.99).toFixed(2)}`,
      `${quantile(r, 0.5).toFixed(2)} / ${quantile(r, 0.99).toFixed(2)}`,
      ratio(quantile(l, 0.5), quantile(r, 0.5)),
      op.goal ?? "",
    ]);
  }
  const median = (xs: number[]) => quantile([...xs].sort((a, b) => a - b), 0.5);
  const loomStart = median(startMs.loom);
  const innerStart = median(startMs.inner);
  const refStart = median(startMs.reference);
  rows.push([
    "spawn → initialize",
    loomStart.toFixed(0),
    refStart.toFixed(0),
    ratio(loomStart, refStart),
    "≤ 0.50x",
  ]);
  rows.push([
    "  of which inner (sandboxed copy alone)",
    innerStart.toFixed(0),
    "",
    ratio(innerStart, refStart),
    "",
  ]);
  rows.push([
    "  of which outer (re-exec parent, by difference)",
    (loomStart - innerStart).toFixed(0),
    "",
    ratio(loomStart - innerStart, refStart),
    "",
  ]);
  rows.push([
    "spawn → tools/list answered",
    median(readyMs.loom).toFixed(0),
    median(readyMs.reference).toFixed(0),
    ratio(median(readyMs.loom), median(readyMs.reference)),
    "",
  ]);
  const loomRss = treeRssKb(loom.transport.pid!);
  const refRss = treeRssKb(reference.transport.pid!);
  rows.push([
    `RSS after ${CALLS * ops.length} calls (MB)`,
    (loomRss / 1024).toFixed(1),
    (refRss / 1024).toFixed(1),
    ratio(loomRss, refRss),
    "≤ 1.00x",
  ]);
  await loom.client.close();
  await reference.client.close();

  const header = [
    "measure (ms: p50 / p99)",
    "loom",
    `${REF_PACKAGE}@${REF_VERSION}`,
    "ratio",
    "goal",
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    "| " + cells.map((c, i) => c.padEnd(widths[i])).join(" | ") + " |";
  console.log(line(header));
  console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
  for (const row of rows) console.log(line(row));
} finally {
  await Deno.remove(root, { recursive: true }).catch(() => {});
  await Deno.remove(home, { recursive: true }).catch(() => {});
  await Deno.remove(innerTemp, { recursive: true }).catch(() => {});
}
