import type { Tool } from "./define.ts";
import { fileRead } from "./file_read.ts";
import { fileWrite } from "./file_write.ts";
import { fileEdit } from "./file_edit.ts";
import { createFileSearchTool } from "./file_search.ts";
import { createContentSearchTool } from "./content_search.ts";
import { directoryList } from "./directory_list.ts";
import { shell } from "./shell.ts";
import { git } from "./git.ts";
import { createDecisionLogTool } from "./decision_log.ts";
import { createDecisionQueryTool } from "./decision_query.ts";
import type { OpenGraph } from "./_decision_format.ts";
import { createSubAgentTool, type SubAgentRunner } from "./sub_agent.ts";

/** Options that pick between implementations (found at start-up by the composition root). */
export interface RegistryOptions {
  /** Path of ripgrep, or null for the built-in search engine. */
  rgPath: string | null;
  /** Opens the decision graph on first use (never at start-up); absent: the decision tools fail. */
  openGraph?: OpenGraph;
  /** Runs a read-only sub-agent (from the agent layer); absent: no `sub_agent` tool is listed. */
  subAgent?: SubAgentRunner;
}

/** Every tool, keyed by name, in the order they are listed to models and users. */
export function createToolRegistry(options: RegistryOptions): Map<string, Tool> {
  const tools: Tool[] = [
    fileRead,
    fileWrite,
    fileEdit,
    createFileSearchTool({ rgPath: options.rgPath }),
    createContentSearchTool({ rgPath: options.rgPath }),
    directoryList,
    shell,
    git,
    createDecisionLogTool({ openGraph: options.openGraph }),
    createDecisionQueryTool({ openGraph: options.openGraph }),
  ];
  if (options.subAgent) tools.push(createSubAgentTool(options.subAgent));
  return new Map(tools.map((tool) => [tool.name, tool]));
}
