import { parseArgs } from "node:util";
import { LoomError } from "../core/mod.ts";

/** The parsed command line. */
export interface CliArgs {
  command: string | undefined;
  positionals: string[];
  project?: string;
  yes: boolean;
  json: boolean;
  help: boolean;
  version: boolean;
  status: boolean;
  /** `loom mcp --http`: serve Streamable HTTP instead of stdio. */
  http: boolean;
  /** `loom mcp --port N` (a string until the command checks it). */
  port?: string;
}

/** Parses argv; unknown flags are a USAGE error that names them. */
export function parseCliArgs(argv: string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        project: { type: "string" },
        yes: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
        version: { type: "boolean", short: "V", default: false },
        status: { type: "boolean", default: false },
        http: { type: "boolean", default: false },
        port: { type: "string" },
      },
    });
  } catch (err) {
    const why = err instanceof Error ? err.message.replace(/\.$/, "") : String(err);
    throw new LoomError("USAGE", `Cannot parse the command line: ${why}; see 'loom --help'`);
  }
  const { values, positionals } = parsed;
  return {
    command: positionals[0],
    positionals: positionals.slice(1),
    project: values.project,
    yes: values.yes ?? false,
    json: values.json ?? false,
    help: values.help ?? false,
    version: values.version ?? false,
    status: values.status ?? false,
    http: values.http ?? false,
    port: values.port,
  };
}
