import assert from "node:assert/strict";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** DESIGN.md's table: which src folders each folder may import. */
const MAY_IMPORT: Record<string, string[]> = {
  core: [],
  config: ["core"],
  store: ["core"],
  workspace: ["core", "config"],
  sandbox: ["core", "config", "workspace"],
  permissions: ["core", "config", "workspace"],
  graph: ["core", "store"],
  repomap: ["core", "store", "workspace"],
  lsp: ["core", "sandbox"],
  llm: ["core"],
  tools: [
    "core",
    "config",
    "store",
    "workspace",
    "sandbox",
    "permissions",
    "graph",
    "repomap",
    "lsp",
  ],
  mcp: [
    "core",
    "config",
    "store",
    "workspace",
    "sandbox",
    "permissions",
    "graph",
    "repomap",
    "lsp",
    "tools",
    "mcp",
  ],
  agent: ["*"],
  cli: ["*"],
  web: ["*-cli"],
};

async function* sourceFiles(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* sourceFiles(path);
    else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith("_test.ts")) yield path;
  }
}

function folderOf(path: string): string | null {
  const rel = relative(join(ROOT, "src"), path).split("/");
  return rel.length > 1 ? rel[0] : null;
}

Deno.test("src folders import only the layers DESIGN.md allows, and private files stay private", async () => {
  const violations: string[] = [];
  for await (const file of sourceFiles(join(ROOT, "src"))) {
    const from = folderOf(file);
    const text = await Deno.readTextFile(file);
    for (const match of text.matchAll(/(?:from|import)\s+["'](\.[^"']+)["']/g)) {
      const target = join(dirname(file), match[1]);
      const to = folderOf(target);
      if (from === null || to === null || to === from) continue;
      const allowed = MAY_IMPORT[from] ?? [];
      const ok = allowed.includes("*") || allowed.includes(to) ||
        (allowed.includes("*-cli") && to !== "cli");
      if (!ok) violations.push(`${relative(ROOT, file)} imports ${match[1]} (${from} → ${to})`);
      const base = target.split("/").pop() ?? "";
      if (base.startsWith("_")) {
        violations.push(`${relative(ROOT, file)} imports private ${match[1]} of another folder`);
      }
    }
  }
  assert.deepEqual(violations, []);
});

Deno.test("only main.ts, sandbox and tests touch Deno.Command and Deno.env", async () => {
  const violations: string[] = [];
  for await (const file of sourceFiles(join(ROOT, "src"))) {
    const rel = relative(ROOT, file);
    if (rel === "src/main.ts" || rel.startsWith("src/sandbox/")) continue;
    const text = await Deno.readTextFile(file);
    if (/Deno\.Command|Deno\.env\b/.test(text)) violations.push(rel);
  }
  assert.deepEqual(violations, []);
});
