import { z } from "zod";
import { LoomError } from "../core/mod.ts";
import { type Catalog, type CatalogEntry, createCatalog } from "../workspace/mod.ts";
import { defineTool } from "./define.ts";
import DESCRIPTION from "./directory_list.md" with { type: "text" };
import { guardPath } from "./_files.ts";

const DEFAULT_DEPTH = 2;
const MAX_DEPTH = 10;
const MAX_ENTRIES = 500;

interface Node {
  entry: CatalogEntry;
  /** Listed children (directories only; undefined past the depth). */
  children?: Node[];
  /** Visible entries inside (directories only). */
  count?: number;
}

/** Shows the project's layout as a tree: directories first, sizes for files, counts for dirs. */
export const directoryList = defineTool({
  name: "directory_list",
  description: DESCRIPTION,
  input: z.object({
    path: z.string().optional().describe(
      "Directory to list, relative to the project root (default: the root)",
    ),
    depth: z.number().int().min(1).max(MAX_DEPTH).optional().describe(
      `How many levels to show (default ${DEFAULT_DEPTH}, at most ${MAX_DEPTH})`,
    ),
    include_hidden: z.boolean().optional().describe(
      "Also show dot-files and dot-directories (.git/ and .loom/ never); default false",
    ),
  }),
  annotations: {
    title: "List directory",
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  },
  async permission(input, ctx) {
    const target = await guardPath(ctx, input.path ?? ".", "read");
    return { kind: "read", tool: "directory_list", paths: [target.rel] };
  },
  async run(input, ctx) {
    const target = await guardPath(ctx, input.path ?? ".", "read");
    const shown = input.path ?? ".";
    const info = target.exists ? statOrNull(target.abs) : null;
    if (info === null) {
      throw new LoomError("NOT_FOUND", `Cannot list "${shown}": no such directory`);
    }
    if (!info.isDirectory) {
      throw new LoomError("INVALID_INPUT", `Cannot list "${shown}": it is a file; use file_read`);
    }
    const catalog = createCatalog(ctx.guard.root, {
      includeHidden: input.include_hidden ?? false,
      isDenied: ctx.isReadDenied,
    });
    const depth = input.depth ?? DEFAULT_DEPTH;
    const children = await listTree(catalog, target.rel, depth, ctx.signal);
    const lines = [`${target.rel === "." ? "." : target.rel}/ (${entries(children.length)})`];
    const total = countNodes(children);
    render(children, "  ", lines, { left: MAX_ENTRIES });
    if (total > MAX_ENTRIES) {
      lines.push(
        `... ${total - MAX_ENTRIES} more entries not shown; list a subdirectory or lower depth`,
      );
    }
    return { text: lines.join("\n"), structured: { path: target.rel, entries: total } };
  },
});

async function listTree(
  catalog: Catalog,
  dirRel: string,
  depth: number,
  signal: AbortSignal,
): Promise<Node[]> {
  if (signal.aborted) {
    throw new LoomError("CANCELLED", `Cannot list "${dirRel}": the call was cancelled`);
  }
  const listed = await catalog.list(dirRel);
  listed.sort((a, b) =>
    a.isDir !== b.isDir ? (a.isDir ? -1 : 1) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0
  );
  const nodes: Node[] = [];
  for (const entry of listed) {
    if (!entry.isDir) {
      nodes.push({ entry });
    } else if (depth > 1) {
      const children = await listTree(catalog, entry.rel, depth - 1, signal);
      nodes.push({ entry, children, count: children.length });
    } else {
      nodes.push({ entry, count: (await catalog.list(entry.rel)).length });
    }
  }
  return nodes;
}

function countNodes(nodes: Node[]): number {
  return nodes.reduce((n, node) => n + 1 + (node.children ? countNodes(node.children) : 0), 0);
}

function render(nodes: Node[], indent: string, out: string[], budget: { left: number }): void {
  for (const node of nodes) {
    if (budget.left <= 0) return;
    budget.left--;
    const { entry } = node;
    if (entry.isDir) {
      out.push(`${indent}${entry.name}/ (${entries(node.count ?? 0)})`);
      if (node.children) render(node.children, indent + "  ", out, budget);
    } else {
      out.push(`${indent}${entry.name} (${humanSize(sizeOf(entry.abs))})`);
    }
  }
}

function entries(n: number): string {
  return n === 1 ? "1 entry" : `${n} entries`;
}

function statOrNull(abs: string): Deno.FileInfo | null {
  try {
    return Deno.statSync(abs); // Sync: microseconds, where an async op's thread hop costs more.
  } catch {
    return null;
  }
}

function sizeOf(abs: string): number {
  try {
    return Deno.statSync(abs).size;
  } catch {
    return 0;
  }
}

/** Sizes as people read them: 512 B, 1.2 KB, 3.4 MB. */
export function humanSize(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0
    ? `${bytes} B`
    : `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}
