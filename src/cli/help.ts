/** The version printed by `loom --version`. */
export const VERSION = "0.1.0";

/** Top-level help: only the commands that work today. */
export const HELP = `loom ${VERSION}: an AI coding assistant with a memory, MCP server first

Usage:
  loom                                Interactive session (REPL) on the project
  loom "question"                     Answer once and exit
  loom -p "question" [--output-format text|json|stream-json]
                                      Answer once for a script; piped input is prepended
  loom sessions [list|show ID|rm ID]  Saved sessions with dates, titles, models and costs
  loom tools [--json]                 List the tools with their input schemas
  loom tool NAME 'JSON-ARGS'          Run one tool against the project and print its result
  loom doctor [--json]                Check Deno, git, ripgrep, bubblewrap, sandbox and config
  loom trust [--status]               Trust this project's LOOM.md / .loom.toml rules
  loom mcp [--http [--port N]]        Serve the tools, resources and prompts over MCP
  loom graph add|link|show|list|...   The decision graph: goals, decisions, options, outcomes
  loom --help | --version

Options:
  --project DIR    Project root (default: the current directory)
  --model P:M      Model as provider:model (default [model] default, LOOM_MODEL)
  --resume [ID]    Continue a saved session (without an id: pick from a list)
  -c, --continue   Continue the latest session
  --architect      A planner model hands its plan to an editor model
  -p, --print      Answer once, print the answer only (no prompts: asks are denied)
  --output-format  With -p: text (default), json (one object) or stream-json (events)
  --yes            Approve every call that would ask (deny rules still apply)
  --json           Machine-readable output (tools, tool, doctor, trust)
  -h, --help       Show help for a command
  -V, --version    Print the version

Exit codes: 0 ok, 1 the tool, check or turn failed, 2 bad usage.
Config: .loom.toml in the project, ~/.loom/config.toml, LOOM_* variables (see README.md).
Keys: ANTHROPIC_API_KEY, OPENAI_API_KEY (or [providers.NAME] api_key_env).
`;

/** Help for each subcommand, shown by `loom CMD --help`. */
export const COMMAND_HELP: Record<string, string> = {
  graph: `Usage: loom graph SUBCOMMAND [--json] [--project DIR]

The decision graph: goals, decisions, options, actions, outcomes, observations and revisits,
kept in .loom/loom.db (LOOM_DB_PATH overrides). Nodes are named by id (12 or #12) or by
change id (or a unique prefix of one). Edges point forward, parent to child.

  add TYPE "title" [--body TEXT] [--confidence 0-100] [--status S] [--file PATH]...
      [--parent ID]... [--edge TYPE] [--rationale TEXT]
                           Add a node, linked under each --parent (edge type default leads_to)
  link FROM TO TYPE [--rationale TEXT]
                           Add an edge; 'supersedes' also marks FROM superseded
  unlink FROM TO [TYPE]    Remove the edges from FROM to TO
  status ID STATUS         Set a status: pending active completed rejected superseded abandoned
  show ID                  A node with its body, provenance and edges
  list [--type T] [--status S] [--search WORDS] [--limit N]
                           Nodes, most recent first (best match first with --search)
  pulse [--fail-on gaps]   Counts, confidence, goal trees, gaps, orphans, stale and uncertain
                           nodes; with --fail-on gaps exits 1 when a coverage gap exists (CI)
  narrative [--limit N]    Markdown timeline of what happened, and every pivot
  context [--budget N]     The block the model sees ([context] max_decision_context_tokens)
  export [--format json|dot|mermaid]
                           Print the graph (json is Loom's own, for import)
  import FILE              Import Loom JSON or a Deciduous JSON export, all or nothing

Node types: goal decision option action outcome observation revisit
Edge types: leads_to chosen rejected requires blocks enables supersedes
Exit codes: 0 ok, 1 refused or failed (unknown id, cycle, bad file), 2 bad usage.
`,
  sessions: `Usage: loom sessions [list|show ID|rm ID] [--json] [--project DIR]

Sessions are kept in .loom/loom.db as they happen; an id prefix is enough.
  list       Sessions, most recent first: id, last activity, model, cost, title
  show ID    A session's facts, costs by model, and its conversation
  rm ID      Delete a session with its messages and usage
Continue one with 'loom --resume ID' or 'loom --continue' (the latest).
`,
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
  mcp: `Usage: loom mcp [--project DIR] [--http [--port N]] [--yes]

Serves Loom over the Model Context Protocol: every tool, the resources loom://rules,
loom://config and loom://file/{path}, and the prompt loom-start. Over stdio by default
(for Claude Desktop, Cursor, Zed, VS Code); without --project the client's first root is
used when it lies inside the directory Loom was started in, else the current directory.
  --http       Serve Streamable HTTP on 127.0.0.1 at /mcp instead; prints the URL and a
               bearer token (kept in .loom/mcp_token, mode 0600; LOOM_MCP_TOKEN overrides)
  --port N     HTTP port (default 4343; 0 picks a free one)
  --yes        Approve calls that would ask (deny rules still apply); otherwise clients that
               support elicitation are asked, and the rest get a denial naming the rule to add

The server re-executes itself under Deno with --allow-read/--allow-write limited to the
project, ~/.loom and a private temp dir, no network (only 127.0.0.1:PORT with --http), and
unscoped --allow-run (needed to kill whole process groups; commands run under bubblewrap).
'loom doctor' shows the exact flags; LOOM_MCP_SANDBOX=off skips the re-exec.
`,
  trust: `Usage: loom trust [--status] [--project DIR]

Rules in LOOM.md and .loom.toml that widen permissions, spawn programs or change endpoints
take effect only after you trust them. 'loom trust' shows those rules and records a hash of
the files in ~/.loom/trust.json; editing either file needs trust again.
  --status   Only show what is waiting; record nothing
`,
};
