import { parseArgs } from "node:util";
import { LoomError } from "../core/mod.ts";

/** How headless output is written: the answer, one JSON object, or one JSON event per line. */
export type OutputFormat = "text" | "json" | "stream-json";

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
  /** `--model provider:model`. */
  model?: string;
  /** `--resume ID`; the empty string when given without an id (offer a pick list). */
  resume?: string;
  /** `--continue`: the latest session. */
  continue: boolean;
  /** `--architect`: the architect model plans, the editor model edits. */
  architect: boolean;
  /** `-p/--print`: answer once for a script. */
  print: boolean;
  outputFormat: OutputFormat;
}

const FORMATS: readonly OutputFormat[] = ["text", "json", "stream-json"];

/**
 * `--resume` takes an optional id: when the next word is missing or is a flag, it becomes
 * `--resume=` (an empty id, meaning "let me pick").
 */
function normaliseResume(argv: string[]): string[] {
  return argv.map((arg, i) =>
    arg === "--resume" && (i === argv.length - 1 || argv[i + 1].startsWith("-")) ? "--resume=" : arg
  );
}

/** Parses argv; unknown flags are a USAGE error that names them. */
export function parseCliArgs(argv: string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: normaliseResume(argv),
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
        model: { type: "string" },
        resume: { type: "string" },
        continue: { type: "boolean", short: "c", default: false },
        architect: { type: "boolean", default: false },
        print: { type: "boolean", short: "p", default: false },
        "output-format": { type: "string" },
      },
    });
  } catch (err) {
    throw new LoomError(
      "USAGE",
      `Cannot parse the command line: ${argsProblem(err)}; see 'loom --help'`,
    );
  }
  const { values, positionals } = parsed;
  const format = values["output-format"] ?? "text";
  if (!FORMATS.includes(format as OutputFormat)) {
    throw new LoomError(
      "USAGE",
      `Cannot use --output-format "${format}": expected text, json or stream-json`,
    );
  }
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
    model: values.model,
    resume: values.resume,
    continue: values.continue ?? false,
    architect: values.architect ?? false,
    print: values.print ?? false,
    outputFormat: format as OutputFormat,
  };
}

/**
 * node:util's parseArgs message in a sentence: its unknown-option advice ends in an unbalanced
 * quote (`… as in '-- "--bogus"`), so that one is said plainly.
 */
export function argsProblem(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (unknown) {
    return `unknown option ${unknown[1]} (a prompt starting with "-" goes after --)`;
  }
  return message.replace(/\.$/, "");
}
