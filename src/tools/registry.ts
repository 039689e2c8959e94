import type { Tool } from "./define.ts";
import { fileRead } from "./file_read.ts";
import { fileWrite } from "./file_write.ts";
import { fileEdit } from "./file_edit.ts";
import { createFileSearchTool } from "./file_search.ts";
import { createContentSearchTool } from "./content_search.ts";
import { directoryList } from "./directory_list.ts";
import { shell } from "./shell.ts";
import { git } from "./git.ts";

/** Options that pick between implementations (found at start-up by the composition root). */
export interface RegistryOptions {
  /** Path of ripgrep, or null for the built-in search engine. */
  rgPath: string | null;
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
  ];
  return new Map(tools.map((tool) => [tool.name, tool]));
}
