import { GRAPH_MIGRATIONS } from "../graph/mod.ts";
import { openProjectDatabase } from "../store/mod.ts";
import type { DatabaseSync } from "../store/mod.ts";
import { SESSION_MIGRATIONS } from "./session_schema.ts";

/** Opens the project database with the graph and session schemas in place. */
export function openAgentDatabase(
  root: string,
  options: { env?: Record<string, string> } = {},
): DatabaseSync {
  return openProjectDatabase(root, {
    env: options.env,
    migrations: [GRAPH_MIGRATIONS, SESSION_MIGRATIONS],
  });
}
