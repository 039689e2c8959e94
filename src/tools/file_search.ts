import { join } from "node:path";
import { z } from "zod";
import { LoomError } from "../core/mod.ts";
import { defineTool, type ToolContext } from "./define.ts";
import { capText } from "./_search_output.ts";
import { listFilesRipgrep } from "./_rg.ts";
import { loadGlobEngine, needsRe2 } from "../workspace/glob.ts";
import { createPathFilter, normalizeGlob } from "./_search_types.ts";
import DESCRIPTION from "./file_search.md" with { type: "text" };

const DEFAULT_LIMIT = 100;

/** Which engine lists the files: ripgrep's `--files` when installed, the built-in catalog otherwise. */
export interface FileSearchOptions {
  rgPath: string | null;
}

/** Finds files by glob, newest first, the way `rg --files -g GLOB` would list them. */
export function createFileSearchTool(options: FileSearchOptions) {
  return defineTool({
    name: "file_search",
    description: DESCRIPTION,
    input: z.object({
      pattern: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).describe(
        'Glob, or list of globs, e.g. "**/*.ts", "src/**/*_test.go", "*.md" (without a slash it ' +
          'matches file names at any depth); a leading ! excludes, e.g. ["*.ts", "!*.d.ts"]',
      ),
      path: z.string().optional().describe(
        "Directory to search in, relative to the project root (default: the root); globs are " +
          "matched against paths relative to it",
      ),
      include_hidden: z.boolean().optional().describe(
        "Also list dot-files and dot-directories (.git/ and .loom/ never); default false",
      ),
      limit: z.number().int().min(1).max(10_000).optional().describe(
        `Most paths to return (default ${DEFAULT_LIMIT})`,
      ),
    }),
    annotations: {
      title: "Find files by name",
      readOnlyHint: true,
      destructiveHint: false,
      idempotentHint: true,
      openWorldHint: false,
    },
    async permission(input, ctx) {
      const target = await ctx.guard.resolveForRead(input.path ?? ".");
      return { kind: "read", tool: "file_search", paths: [target.rel] };
    },
    async run(input, ctx) {
      const startRel = await startDirectory(input.path, ctx);
      const patterns = [input.pattern].flat();
      const limit = input.limit ?? DEFAULT_LIMIT;
      const prefix = startRel === "." ? "" : startRel + "/";
      const local = (rel: string) => rel.slice(prefix.length);
      if (patterns.some(needsRe2)) await loadGlobEngine();
      const filter = createPathFilter(patterns, []);
      const found: { path: string; mtime: number }[] = [];
      const add = (rel: string, abs: string) => {
        found.push({ path: rel, mtime: mtimeOf(abs) });
        if (found.length % 5000 === 0) {
          ctx.onProgress?.({ progress: found.length, message: `${found.length} files found` });
        }
      };
      if (options.rgPath) {
        const includeHidden = input.include_hidden ?? false;
        const nameGlobs = rgNameFilter(patterns);
        // rg lists a hidden file whose name matches a type (its directories are still skipped).
        const hiddenName = nameGlobs && !includeHidden
          ? (rel: string) => rel[rel.lastIndexOf("/") + 1] === "."
          : () => false;
        // Each path is matched and stat'ed as rg prints it, while rg goes on walking.
        await listFilesRipgrep(options.rgPath, {
          root: ctx.guard.root,
          startRel,
          includeHidden,
          runner: ctx.runner,
          signal: ctx.signal,
          nameGlobs,
          onPath: (rel) => {
            if (filter.file(local(rel)) && !hiddenName(rel) && !ctx.isReadDenied(rel)) {
              add(rel, join(ctx.guard.root, rel));
            }
          },
        });
      } else {
        const { createCatalog } = await import("../workspace/catalog.ts");
        const catalog = createCatalog(ctx.guard.root, {
          includeHidden: input.include_hidden ?? false,
          isDenied: ctx.isReadDenied,
          keepDir: (rel) => filter.dir(local(rel)),
        });
        for await (const batch of catalog.walkBatches(startRel, { signal: ctx.signal })) {
          for (const entry of batch) if (filter.file(local(entry.rel))) add(entry.rel, entry.abs);
        }
      }
      const shown = patterns.join(", ");
      if (found.length === 0) {
        return {
          text: `No files match "${shown}"${startRel === "." ? "" : ` under "${startRel}"`}`,
          structured: { files: [], total: 0 },
        };
      }
      found.sort((a, b) => b.mtime - a.mtime || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      const kept = found.slice(0, limit).map((f) => f.path);
      const lines = [...kept];
      if (found.length > limit) {
        lines.push(`... and ${found.length - limit} more; narrow the pattern or raise limit`);
      }
      return { text: capText(lines.join("\n")), structured: { files: kept, total: found.length } };
    },
  });
}

/** file_search with the built-in catalog (no ripgrep). */
export const fileSearch = createFileSearchTool({ rgPath: null });

/** The guarded start directory, project-relative. */
async function startDirectory(path: string | undefined, ctx: ToolContext): Promise<string> {
  const target = await ctx.guard.resolveForRead(path ?? ".");
  let info: Deno.FileInfo | null = null;
  try {
    info = target.exists ? await Deno.stat(target.abs) : null;
  } catch {
    info = null;
  }
  if (info === null) {
    throw new LoomError("NOT_FOUND", `Cannot search "${path}": no such directory`);
  }
  if (!info.isDirectory) {
    throw new LoomError(
      "INVALID_INPUT",
      `Cannot search "${path}": it is a file, not a directory; give its directory as path`,
    );
  }
  return target.rel;
}

/** Globs in the subset rg and our own matcher surely read alike (no classes or escapes). */
const PLAIN_GLOB = /^[\w.\-/*?{},]+$/;

/**
 * File-name globs that every match of `patterns` must satisfy (the last segment of each positive
 * glob), for rg to pre-filter with so that it prints candidates, not every file; undefined when
 * that would not narrow the listing or rg might read one differently: no positive glob, a
 * last segment that matches anything or holds `**`, anything outside PLAIN_GLOB, nested, empty or
 * slashed braces. Exclusions stay with the caller's matcher, which judges every path rg prints.
 */
export function rgNameFilter(patterns: string[]): string[] | undefined {
  const globs = patterns.filter((p) => !p.startsWith("!")).map(normalizeGlob);
  if (globs.length === 0 || !globs.every((g) => PLAIN_GLOB.test(g))) return undefined;
  if (globs.some((g) => /\{[^}]*[{/]|\{,|,,|,\}|\{\}/.test(g))) return undefined;
  const names = globs.map((g) => g.slice(g.lastIndexOf("/") + 1));
  return names.every((n) => n !== "" && !n.includes("**") && !/^\**$/.test(n)) ? names : undefined;
}

function mtimeOf(abs: string): number {
  try {
    return Deno.statSync(abs).mtime?.getTime() ?? 0;
  } catch {
    return 0;
  }
}
