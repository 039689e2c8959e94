/** The version printed by `loom --version`. */
export const VERSION = "0.1.0";

/** Top-level help: only the commands that work today. */
export const HELP = `loom ${VERSION}: an AI coding assistant with a memory, MCP server first

Usage:
  loom tools [--json]                 List the tools with their input schemas
  loom tool NAME 'JSON-ARGS'          Run one tool against the project and print its result
  loom doctor [--json]                Check Deno, git, ripgrep, bubblewrap, sandbox and config
  loom trust [--status]               Trust this project's LOOM.md / .loom.toml rules
  loom --help | --version

Options:
  --project DIR    Project root (default: the current directory)
  --yes            Approve every call that would ask (deny rules still apply)
  --json           Machine-readable output (tools, tool, doctor, trust)
  -h, --help       Show help for a command
  -V, --version    Print the version

Exit codes: 0 ok, 1 the tool or check failed, 2 bad usage.
Config: .loom.toml in the project, ~/.loom/config.toml, LOOM_* variables (see README.md).
`;

/** Help for each subcommand, shown by `loom CMD --help`. */
export const COMMAND_HELP: Record<string, string> = {
  tools: `Usage: loom tools [--json]

Lists every tool with its description, annotations and JSON input schema.
  --json   Print a JSON array of {name, title, description, annotations, inputSchema}
`,
  tool: `Usage: loom tool NAME 'JSON-ARGS' [--project DIR] [--yes] [--json]

Runs one tool against the project through the same path the MCP server uses: the path
guard, the permission rules, then the tool. JSON-ARGS is one JSON object ('-' reads it
from standard input). Calls that would ask are prompted on a terminal and denied otherwise;
--yes approves them (deny rules still win).

Examples:
  loom tool file_read '{"path":"src/main.ts","limit":40}'
  loom tool content_search '{"pattern":"TODO","output_mode":"content"}'
  loom tool shell '{"command":"deno task test"}' --yes

Exit codes: 0 success, 1 the tool failed or was denied, 2 bad usage (unknown tool, bad JSON,
invalid arguments).
`,
  doctor: `Usage: loom doctor [--json] [--project DIR]

Reports the Deno version, git, ripgrep and bubblewrap, the sandbox mode in effect, the config
and rule files found, trust status, and any problem with what to do about it. Exits 1 when a
problem needs fixing.
`,
  trust: `Usage: loom trust [--status] [--project DIR]

Rules in LOOM.md and .loom.toml that widen permissions, spawn programs or change endpoints
take effect only after you trust them. 'loom trust' shows those rules and records a hash of
the files in ~/.loom/trust.json; editing either file needs trust again.
  --status   Only show what is waiting; record nothing
`,
};
