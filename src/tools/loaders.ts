// The registry as lazy loaders: `loom tool NAME` imports only NAME's module (and its deps), never
// every tool's zod schemas, diff, git or decision code. No tool module is imported statically here.
import type { Tool } from "./define.ts";
import type { RegistryOptions } from "./registry.ts";

/** Imports a tool's module (once; later calls share the promise), then makes the tool. */
interface Loader {
  module: () => Promise<unknown>;
  make: (module: never, options: RegistryOptions) => Tool;
}

/**
 * Imports a tool module when it is asked for. The specifier is computed on purpose: Deno prepares
 * every module a literal `import("./x.ts")` names before main starts (see src/main.ts).
 */
function load<T>(path: string): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => loading ??= import(new URL(path, import.meta.url).href);
}

/** A loader whose `make` is typed against its own module. */
function loader<M>(module: () => Promise<M>, make: (m: M, o: RegistryOptions) => Tool): Loader {
  return { module, make: make as Loader["make"] };
}

type FileSearch = typeof import("./file_search.ts");
type ContentSearch = typeof import("./content_search.ts");
type DecisionLog = typeof import("./decision_log.ts");
type DecisionQuery = typeof import("./decision_query.ts");

/** Every tool the host serves, in the order they are listed to models and users. */
const LOADERS: ReadonlyMap<string, Loader> = new Map([
  ["file_read", loader(load<typeof import("./file_read.ts")>("./file_read.ts"), (m) => m.fileRead)],
  [
    "file_write",
    loader(load<typeof import("./file_write.ts")>("./file_write.ts"), (m) => m.fileWrite),
  ],
  ["file_edit", loader(load<typeof import("./file_edit.ts")>("./file_edit.ts"), (m) => m.fileEdit)],
  [
    "file_search",
    loader(
      load<FileSearch>("./file_search.ts"),
      (m, o) => m.createFileSearchTool({ rgPath: o.rgPath }),
    ),
  ],
  [
    "content_search",
    loader(
      load<ContentSearch>("./content_search.ts"),
      (m, o) => m.createContentSearchTool({ rgPath: o.rgPath }),
    ),
  ],
  [
    "directory_list",
    loader(
      load<typeof import("./directory_list.ts")>("./directory_list.ts"),
      (m) => m.directoryList,
    ),
  ],
  ["shell", loader(load<typeof import("./shell.ts")>("./shell.ts"), (m) => m.shell)],
  ["git", loader(load<typeof import("./git.ts")>("./git.ts"), (m) => m.git)],
  [
    "decision_log",
    loader(
      load<DecisionLog>("./decision_log.ts"),
      (m, o) => m.createDecisionLogTool({ openGraph: o.openGraph }),
    ),
  ],
  [
    "decision_query",
    loader(
      load<DecisionQuery>("./decision_query.ts"),
      (m, o) => m.createDecisionQueryTool({ openGraph: o.openGraph }),
    ),
  ],
]);
const loadSubAgent = load<typeof import("./sub_agent.ts")>("./sub_agent.ts");

/** The names of the tools a host serves (sub_agent is added by the agent layer), in listing order. */
export const TOOL_NAMES: readonly string[] = [...LOADERS.keys()];

/** True when `name` is one of TOOL_NAMES. */
export function isToolName(name: string): boolean {
  return LOADERS.has(name);
}

/** The names of `only` (default: every tool) that are tools, in listing order. */
function selected(only?: readonly string[]): readonly string[] {
  return only === undefined ? TOOL_NAMES : TOOL_NAMES.filter((name) => only.includes(name));
}

/**
 * Starts importing the modules of the tools in `only` (default: all) without waiting, so that
 * they load while the caller reads config; loadToolRegistry then reuses the same imports.
 */
export function preloadTools(only?: readonly string[]): void {
  for (const name of selected(only)) LOADERS.get(name)!.module().catch(() => {});
}

/**
 * Loads the tools named in `only` (default: all of TOOL_NAMES; unknown names are skipped), keyed
 * by name in listing order. `subAgent` adds the sub_agent tool when every tool is loaded.
 */
export async function loadToolRegistry(
  options: RegistryOptions,
  only?: readonly string[],
): Promise<Map<string, Tool>> {
  const loaders = selected(only).map((name) => LOADERS.get(name)!);
  const modules = await Promise.all(loaders.map((l) => l.module()));
  const tools = loaders.map((l, i) => l.make(modules[i] as never, options));
  if (only === undefined && options.subAgent) {
    tools.push((await loadSubAgent()).createSubAgentTool(options.subAgent));
  }
  return new Map(tools.map((tool) => [tool.name, tool]));
}
