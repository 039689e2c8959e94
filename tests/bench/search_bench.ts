/**
 * Search benchmark (a script, not a test): `deno run -A tests/bench/search_bench.ts [--files N]`.
 *
 * Builds (once, cached in ~/.cache/loom or $LOOM_BENCH_DIR) a synthetic source tree of ≥50,000 files, then times
 * Loom's content_search and file_search against ripgrep on the same tree, side by side: through
 * the CLI (`deno run -A --node-modules-dir=manual src/main.ts tool NAME JSON`, as `deno task loom`
 * runs it) when src/main.ts exists, and in-process with both engines (ripgrep-backed and
 * built-in). rg and the CLI runs are interleaved so that noise falls on both. Prints medians,
 * ratios to rg (per case and their median over the cases) and peak RSS.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createTestContext } from "../_lib/context.ts";
import { createContentSearchTool } from "../../src/tools/content_search.ts";
import type { Tool, ToolContext } from "../../src/tools/define.ts";
import { createFileSearchTool, fileSearch } from "../../src/tools/file_search.ts";

const args = parseArgs({
  args: Deno.args,
  options: { files: { type: "string", default: "50000" }, runs: { type: "string", default: "5" } },
});
const FILE_COUNT = Number(args.values.files);
const RUNS = Number(args.values.runs);
const CORPUS_VERSION = 1;

const WORDS = (
  "alpha beta gamma delta epsilon zeta theta kappa lambda sigma omega render parse token " +
  "value index config handler request response buffer stream window cursor widget layout " +
  "session engine filter mapper reducer cache store query schema option result error"
).split(" ");

/** A deterministic PRNG (mulberry32) so every machine builds the same tree. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sourceFile(rand: () => number, ext: string): string {
  const pick = () => WORDS[Math.floor(rand() * WORDS.length)];
  const lines: string[] = [`// ${pick()} ${pick()} module`];
  const n = 20 + Math.floor(rand() * 40);
  for (let i = 0; i < n; i++) {
    const r = rand();
    if (ext === "py") lines.push(`def ${pick()}_${pick()}(${pick()}): return ${pick()}`);
    else if (r < 0.3) lines.push(`export function ${pick()}${i}(${pick()}: string) {`);
    else if (r < 0.6) lines.push(`  const ${pick()} = ${pick()}.${pick()}(${i});`);
    else if (r < 0.62) lines.push(`  // TODO(${pick()}): handle the ${pick()} case`);
    else if (r < 0.9) lines.push(`  return ${pick()}[${Math.floor(rand() * 100)}];`);
    else lines.push("}");
  }
  if (rand() < 0.001) lines.push("const needle = 'HaystackNeedle';");
  return lines.join("\n") + "\n";
}

/** Builds the corpus unless a complete one is cached; returns its root. */
async function ensureCorpus(count: number): Promise<string> {
  const home = Deno.env.get("HOME") ?? "/tmp";
  const base = Deno.env.get("LOOM_BENCH_DIR") ?? join(home, ".cache", "loom");
  const root = join(base, `search-bench-v${CORPUS_VERSION}-${count}`);
  try {
    await Deno.stat(join(root, ".complete"));
    return await Deno.realPath(root);
  } catch { /* build it */ }
  console.error(`building ${count} files in ${root} ...`);
  await Deno.remove(root, { recursive: true }).catch(() => {});
  const rand = prng(42);
  const exts = ["ts", "ts", "ts", "js", "py", "md"];
  const perDir = 50;
  for (let i = 0; i < count; i++) {
    const dir = join(
      root,
      `packages/pkg${Math.floor(i / 5000)}/src/mod${Math.floor(i / perDir) % 100}`,
    );
    if (i % perDir === 0) await Deno.mkdir(dir, { recursive: true });
    const ext = exts[i % exts.length];
    await Deno.writeTextFile(join(dir, `file_${i}.${ext}`), sourceFile(rand, ext));
  }
  // Ignored build output that every search must skip.
  await Deno.mkdir(join(root, "dist"), { recursive: true });
  for (let i = 0; i < 2000; i++) {
    await Deno.writeTextFile(join(root, "dist", `bundle_${i}.js`), sourceFile(rand, "js"));
  }
  await Deno.writeTextFile(join(root, ".gitignore"), "dist/\n*.log\n");
  await Deno.writeTextFile(join(root, ".complete"), "");
  return await Deno.realPath(root);
}

interface Case {
  label: string;
  tool: "content_search" | "file_search";
  args: Record<string, unknown>;
  rg: string[];
}

const CASES: Case[] = [
  {
    label: "literal",
    tool: "content_search",
    args: { pattern: "HaystackNeedle" },
    rg: ["-n", "HaystackNeedle"],
  },
  {
    label: "no match",
    tool: "content_search",
    args: { pattern: "zq_absent_qz" },
    rg: ["-n", "zq_absent_qz"],
  },
  {
    label: "regex",
    tool: "content_search",
    args: { pattern: "function \\w+9[0-9]\\(" },
    rg: ["-n", "function \\w+9[0-9]\\("],
  },
  {
    label: "case-insensitive",
    tool: "content_search",
    args: { pattern: "todo\\(omega", case_insensitive: true },
    rg: ["-n", "-i", "todo\\(omega"],
  },
  {
    label: "glob",
    tool: "content_search",
    args: { pattern: "TODO", glob: "*.py" },
    rg: ["-n", "-g", "*.py", "TODO"],
  },
  {
    label: "content mode",
    tool: "content_search",
    args: { pattern: "TODO\\(alpha", output_mode: "content" },
    rg: ["-n", "TODO\\(alpha"],
  },
  {
    label: "files *.py",
    tool: "file_search",
    args: { pattern: "*.py" },
    rg: ["--files", "-g", "*.py"],
  },
  {
    label: "files anchored",
    tool: "file_search",
    args: { pattern: "packages/pkg3/**/*.md" },
    rg: ["--files", "-g", "packages/pkg3/**/*.md"],
  },
];

function median(values: number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor(sorted.length / 2)];
}

/** One thing to time: a command (argv and extra environment) or an in-process call. */
type Subject = { argv: string[]; env?: Record<string, string> } | (() => Promise<unknown>);

/** Runs a subject once: wall time in ms and, for a command (under /usr/bin/time), peak RSS in MB. */
async function runOnce(subject: Subject, cwd: string): Promise<{ ms: number; rssMb: number }> {
  const started = performance.now();
  if (typeof subject === "function") {
    await subject();
    return { ms: performance.now() - started, rssMb: NaN };
  }
  const out = await new Deno.Command("/usr/bin/time", {
    args: ["-f", "MAXRSS %M", ...subject.argv],
    cwd,
    env: subject.env ?? {},
    stdout: "null",
    stderr: "piped",
  }).output();
  const ms = performance.now() - started;
  const stderr = new TextDecoder().decode(out.stderr);
  if (out.code > 1) throw new Error(`${subject.argv.join(" ")} failed: ${stderr}`);
  const rss = /MAXRSS (\d+)/.exec(stderr);
  return { ms, rssMb: rss ? Number(rss[1]) / 1024 : NaN };
}

/**
 * Runs the subjects `RUNS` times each, interleaved (a, b, c, a, b, c, ...) so that noise from
 * other work on the machine falls on all of them alike; per subject: median ms, peak RSS in MB.
 */
async function timeInterleaved(subjects: Subject[], cwd: string) {
  const times = subjects.map(() => [] as number[]);
  const peaks = subjects.map(() => NaN);
  for (let i = 0; i < RUNS; i++) {
    for (const [k, subject] of subjects.entries()) {
      const { ms, rssMb } = await runOnce(subject, cwd);
      times[k].push(ms);
      peaks[k] = Number.isNaN(peaks[k]) ? rssMb : Math.max(peaks[k], rssMb);
    }
  }
  return subjects.map((_, k) => ({ ms: median(times[k]), rssMb: peaks[k] }));
}

const inProcess = (tool: Tool, args: Record<string, unknown>, ctx: ToolContext) => () =>
  tool.run(tool.input.parse(args), ctx);

function peakRssMb(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

const fmt = (n: number) => n.toFixed(0).padStart(6);
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`.padStart(7);

if (import.meta.main) {
  const root = await ensureCorpus(FILE_COUNT);
  const mainTs = new URL("../../src/main.ts", import.meta.url).pathname;
  const hasCli = await Deno.stat(mainTs).then(() => true, () => false);
  const deno = Deno.execPath();
  await runOnce({ argv: ["rg", "--files"] }, root); // Warm the page cache.
  const ctx = await createTestContext(root);
  const rgTool = createContentSearchTool({ rgPath: "rg" });
  const builtinTool = createContentSearchTool({ rgPath: null });
  const rgFiles = createFileSearchTool({ rgPath: "rg" });
  console.log(
    `corpus: ${root} (${FILE_COUNT} files + 2000 ignored), median of ${RUNS} interleaved runs, ms`,
  );
  console.log(
    "case                 rg   cli-rg  ratio  cli-bi  ratio  rss-rg rss-bi |  in-rg  ratio  in-bi  ratio",
  );
  const ratios: Record<string, number[]> = { cliRg: [], cliBi: [], inRg: [], inBi: [] };
  let peakCli = 0;
  for (const c of CASES) {
    // The documented invocation (`deno task loom`, the installed shim).
    const cli = [deno, "run", "-A", "--node-modules-dir=manual", mainTs, "tool", c.tool];
    cli.push(JSON.stringify(c.args), "--project", root);
    const none = () => Promise.resolve();
    const [rg, cliRg, cliBuiltin, inRgRun, inBuiltinRun] = await timeInterleaved([
      { argv: ["rg", ...c.rg] },
      hasCli ? { argv: cli, env: { NO_COLOR: "1" } } : none,
      hasCli ? { argv: cli, env: { NO_COLOR: "1", LOOM_SEARCH_ENGINE: "builtin" } } : none,
      inProcess(c.tool === "file_search" ? rgFiles : rgTool, c.args, ctx),
      inProcess(c.tool === "file_search" ? fileSearch : builtinTool, c.args, ctx),
    ], root);
    const inRg = inRgRun.ms;
    const inBuiltin = inBuiltinRun.ms;
    ratios.cliRg.push(cliRg.ms / rg.ms);
    ratios.cliBi.push(cliBuiltin.ms / rg.ms);
    ratios.inRg.push(inRg / rg.ms);
    ratios.inBi.push(inBuiltin / rg.ms);
    peakCli = Math.max(peakCli, cliRg.rssMb, cliBuiltin.rssMb);
    console.log(
      `${c.label.padEnd(16)} ${fmt(rg.ms)} ${fmt(cliRg.ms)} ${ratio(cliRg.ms, rg.ms)} ${
        fmt(cliBuiltin.ms)
      } ${ratio(cliBuiltin.ms, rg.ms)} ${fmt(cliRg.rssMb)} ${fmt(cliBuiltin.rssMb)} | ${
        fmt(inRg)
      } ${ratio(inRg, rg.ms)} ${fmt(inBuiltin)} ${ratio(inBuiltin, rg.ms)}`,
    );
  }
  const mid = (key: string) => `${median(ratios[key]).toFixed(2)}x`;
  console.log(
    `median ratio over the cases: cli-rg ${mid("cliRg")}, cli-builtin ${mid("cliBi")}, ` +
      `in-process rg ${mid("inRg")}, in-process builtin ${mid("inBi")}`,
  );
  console.log(`peak RSS of one CLI call: ${peakCli.toFixed(0)} MB`);
  console.log(`peak RSS of this (in-process) bench: ${peakRssMb().toFixed(0)} MB`);
}
