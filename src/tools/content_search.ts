import { z } from "zod";
import { LoomError, specialKind } from "../core/mod.ts";
import { defineTool, type Tool, type ToolContext } from "./define.ts";
import { searchRipgrep } from "./_rg.ts";
import type { EngineContext } from "./_search_builtin.ts";
import { formatResults, ResultCollector } from "./_search_output.ts";
import { FILE_TYPE_NAMES, FILE_TYPES, type SearchQuery } from "./_search_types.ts";
import DESCRIPTION from "./content_search.md" with { type: "text" };

const MAX_CONTEXT = 20;
const DEFAULT_LIMITS = { files_with_matches: 200, count: 200, content: 500 } as const;

const input = z.object({
  pattern: z.string().min(1).describe(
    "Regular expression to search for (ripgrep syntax), e.g. `fn\\s+\\w+` or `TODO`",
  ),
  path: z.string().optional().describe(
    "File or directory to search, relative to the project root (default: the whole project)",
  ),
  glob: z.union([z.string(), z.array(z.string())]).optional().describe(
    'Only files matching this glob (or any of these), e.g. "*.ts" or ["src/**", "!*.test.ts"]; ' +
      "without a slash it matches file names at any depth; a leading ! excludes",
  ),
  type: z.enum(FILE_TYPE_NAMES).optional().describe(
    "Only files of this type, like rg -t (ts also covers tsx, js covers jsx/mjs/cjs)",
  ),
  case_insensitive: z.boolean().optional().describe("Match regardless of case (default false)"),
  multiline: z.boolean().optional().describe(
    "Let the pattern span lines (\\n matches line breaks; . still does not); default false",
  ),
  output_mode: z.enum(["files_with_matches", "content", "count"]).optional().describe(
    "files_with_matches (default): paths of matching files; content: the matching lines; " +
      "count: matching lines per file",
  ),
  before: z.number().int().min(0).max(MAX_CONTEXT).optional().describe(
    "Content mode: lines of context before each match (like grep -B)",
  ),
  after: z.number().int().min(0).max(MAX_CONTEXT).optional().describe(
    "Content mode: lines of context after each match (like grep -A)",
  ),
  context: z.number().int().min(0).max(MAX_CONTEXT).optional().describe(
    "Content mode: lines of context before and after each match (like grep -C)",
  ),
  line_numbers: z.boolean().optional().describe("Content mode: show line numbers (default true)"),
  limit: z.number().int().min(1).max(10_000).optional().describe(
    "Most results to show: files (default 200) or, in content mode, matching lines (default 500)",
  ),
  include_hidden: z.boolean().optional().describe(
    "Also search dot-files and dot-directories (.git/ and .loom/ never); default false",
  ),
});

type Input = z.infer<typeof input>;

/** Which engine searches: ripgrep at `rgPath`, or the built-in one when null. */
export interface ContentSearchOptions {
  rgPath: string | null;
}

/**
 * Creates the content_search tool. Results are sorted by path whichever engine runs, so both give
 * the same answer; the composition root passes `rgPath: null` for `LOOM_SEARCH_ENGINE=builtin`.
 */
export function createContentSearchTool(options: ContentSearchOptions): Tool {
  return defineTool({
    name: "content_search",
    description: DESCRIPTION,
    input,
    annotations: {
      title: "Search file contents",
      readOnlyHint: true,
      destructiveHint: false,
      idempotentHint: true,
      openWorldHint: false,
    },
    async permission(args, ctx) {
      const target = await ctx.guard.resolveForRead(args.path ?? ".");
      return { kind: "read", tool: "content_search", paths: [target.rel] };
    },
    async run(args, ctx) {
      const query = await buildQuery(args, ctx);
      const mode = query.mode;
      const collector = new ResultCollector(mode, args.limit ?? DEFAULT_LIMITS[mode]);
      const engineCtx: EngineContext = {
        root: ctx.guard.root,
        isReadDenied: ctx.isReadDenied,
        signal: ctx.signal,
        onProgress: ctx.onProgress,
      };
      const sink = (file: Parameters<typeof collector.add>[0]) => collector.add(file);
      if (options.rgPath !== null) {
        await searchRipgrep(options.rgPath, query, { ...engineCtx, runner: ctx.runner }, sink);
      } else {
        // The built-in engine (the catalog, ignore files, regex compilation) loads only when used.
        const { searchBuiltin } = await import("./_search_builtin.ts");
        await searchBuiltin(query, engineCtx, sink);
      }
      const { text, shown } = formatResults(collector, {
        lineNumbers: args.line_numbers ?? true,
        pattern: args.pattern,
      });
      return {
        text,
        structured: {
          mode,
          engine: options.rgPath !== null ? "ripgrep" : "builtin",
          files: collector.totalFiles,
          matches: collector.totalMatches,
          shown,
          results: collector.files().slice(0, collector.limit).map((f) => ({
            path: f.path,
            count: f.count,
          })),
        },
      };
    },
  });
}

async function buildQuery(args: Input, ctx: ToolContext): Promise<SearchQuery> {
  const target = await ctx.guard.resolveForRead(args.path ?? ".");
  if (!target.exists) {
    throw new LoomError("NOT_FOUND", `Cannot search "${args.path}": no such file or directory`);
  }
  const info = await Deno.stat(target.abs);
  const kind = specialKind(info);
  if (kind !== undefined) {
    throw new LoomError("INVALID_INPUT", `Cannot search "${args.path}": it is ${kind}, not a file`);
  }
  if (target.rel !== "." && ctx.isReadDenied(target.rel)) {
    throw new LoomError("DENIED", `Cannot search "${args.path}": reading it is denied by a rule`);
  }
  const mode = args.output_mode ?? "files_with_matches";
  const globs = args.glob === undefined ? [] : [args.glob].flat().filter((g) => g !== "");
  const context = args.context ?? 0;
  return {
    pattern: args.pattern,
    startRel: target.rel,
    startIsDir: info.isDirectory,
    globs,
    typeGlobs: args.type === undefined ? [] : FILE_TYPES[args.type],
    caseInsensitive: args.case_insensitive ?? false,
    multiline: args.multiline ?? false,
    mode,
    before: mode === "content" ? args.before ?? context : 0,
    after: mode === "content" ? args.after ?? context : 0,
    includeHidden: args.include_hidden ?? false,
  };
}
