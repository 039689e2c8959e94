// Nothing here loads node:path or node:util (args.ts): `loom graph context` starts without them.
import type { CliArgs } from "./cli/args.ts";
import { COMMAND_HELP, HELP, VERSION } from "./cli/help.ts";
import { isLoomError, settlePending } from "./core/mod.ts";
import type { OpenedHost } from "./tools/host.ts";
import type { Asker } from "./permissions/types.ts";

const encoder = new TextEncoder();
const out = (text: string) => Deno.stdout.writeSync(encoder.encode(text));
const err = (text: string) => Deno.stderr.writeSync(encoder.encode(text));

/**
 * Loads a command's modules when it runs. The specifier is computed on purpose: Deno prepares
 * every module that a literal `import("./x.ts")` names before main starts (about 50 ms for the
 * whole app, on every command). `deno compile` therefore takes `--include src/` (deno.json).
 */
function load<T>(path: string): Promise<T> {
  return import(new URL(path, import.meta.url).href);
}

/** Runs the CLI and returns the exit code. */
async function main(argv: string[]): Promise<number> {
  // `loom graph` parses its own flags (its --status takes a value): route it before the global parser.
  const first = argv.findIndex((a, i) => !a.startsWith("-") && argv[i - 1] !== "--project");
  if (argv[first] === "graph") return await graphCommand(argv.toSpliced(first, 1));
  const { parseCliArgs } = await load<typeof import("./cli/args.ts")>("./cli/args.ts");
  const args = parseCliArgs(argv);
  if (args.version) {
    out(`loom ${VERSION}\n`);
    return 0;
  }
  if ((args.command === undefined && args.help) || args.command === "help") {
    const topic = args.command === "help" ? args.positionals[0] : undefined;
    out(topic && COMMAND_HELP[topic] ? COMMAND_HELP[topic] : HELP);
    return 0;
  }
  if (args.command === undefined) return await agentCommand(args, undefined);
  if (args.help) {
    out(COMMAND_HELP[args.command] ?? HELP);
    return COMMAND_HELP[args.command] ? 0 : 2;
  }
  switch (args.command) {
    case "tools":
      return await toolsCommand(args);
    case "tool":
      return await toolCommand(args);
    case "doctor":
      return await doctorCommand(args);
    case "trust": {
      // Each command's own modules load only when it runs: start-up stays small.
      const { runTrust } = await load<typeof import("./cli/trust_cmd.ts")>("./cli/trust_cmd.ts");
      const { realProjectRoot } = await load<typeof import("./workspace/project_root.ts")>(
        "./workspace/project_root.ts",
      );
      const root = await realProjectRoot(projectRoot(args));
      return await runTrust({ root, home: homeDir(), status: args.status, out });
    }
    case "mcp":
      return await mcpCommand(args, argv);
    case "sessions":
      return await sessionsCommand(args);
    default: {
      // A question has spaces or punctuation; a lone lowercase word is a mistyped command.
      const question = [args.command, ...args.positionals].join(" ");
      if (args.print || !/^[a-z][a-z-]*$/.test(question)) return await agentCommand(args, question);
      err(
        `Cannot run "loom ${args.command}": no such command; see 'loom --help' (to ask Loom, write loom -p "${args.command}")\n`,
      );
      return 2;
    }
  }
}

const interruptHandlers = new Set<() => void>();
let listening = false;

/** Calls `handler` on each SIGINT until the returned function is called. */
function onInterrupt(handler: () => void): () => void {
  if (!listening) {
    listening = true;
    Deno.addSignalListener("SIGINT", () => interruptHandlers.forEach((h) => h()));
  }
  interruptHandlers.add(handler);
  return () => interruptHandlers.delete(handler);
}

async function agentCommand(args: CliArgs, question: string | undefined): Promise<number> {
  const { runAgentCommand } = await load<typeof import("./cli/agent_cmd.ts")>(
    "./cli/agent_cmd.ts",
  );
  const { createDenoTerminal } = await load<typeof import("./cli/repl/terminal.ts")>(
    "./cli/repl/terminal.ts",
  );
  return await runAgentCommand({
    args,
    question,
    root: projectRoot(args),
    home: homeDir(),
    env: Deno.env.toObject(),
    stdinIsTty: Deno.stdin.isTerminal(),
    stdoutIsTty: Deno.stdout.isTerminal(),
    readStdin: () => new Response(Deno.stdin.readable).text(),
    io: createDenoTerminal(),
    err,
    onInterrupt,
  });
}

async function sessionsCommand(args: CliArgs): Promise<number> {
  const { runSessionsCommand } = await load<typeof import("./cli/sessions_cmd.ts")>(
    "./cli/sessions_cmd.ts",
  );
  const { openSessionStore } = await load<typeof import("./cli/_agent_setup.ts")>(
    "./cli/_agent_setup.ts",
  );
  const { store, db } = await openSessionStore(projectRoot(args), Deno.env.toObject());
  try {
    return runSessionsCommand(store, args.positionals, { out, json: args.json });
  } finally {
    db.close();
  }
}

async function graphCommand(argv: string[]): Promise<number> {
  const { runGraphCommand } = await load<typeof import("./cli/graph_cmd.ts")>("./cli/graph_cmd.ts");
  const env = Deno.env.toObject();
  const runner = async () =>
    (await load<typeof import("./sandbox/mod.ts")>("./sandbox/mod.ts")).createProcessRunner({
      env,
    });
  return await runGraphCommand({ argv, cwd: Deno.cwd(), home: homeDir(), env, runner, out, err });
}

function projectRoot(args: CliArgs): string {
  return args.project ?? Deno.cwd();
}

function homeDir(): string {
  return Deno.env.get("LOOM_HOME") ?? Deno.env.get("HOME") ?? Deno.cwd();
}

/** How a CLI command opens the project: who can answer prompts, which tools to load. */
interface OpenOptions {
  interactive: boolean;
  /** `loom tool`: overwrites need no earlier file_read. */
  implicitReads?: boolean;
  /** Load only these tools' modules (default: all, for listings). */
  tools?: readonly string[];
  /** Read no config file (doctor, when one cannot be loaded). */
  ignoreConfigFiles?: boolean;
}

async function open(args: CliArgs, options: OpenOptions): Promise<OpenedHost> {
  const { openToolHost } = await load<typeof import("./tools/host.ts")>("./tools/host.ts");
  let ask: Asker | undefined;
  if (options.interactive) {
    // The prompt (and the permissions module it names) loads only where someone can answer.
    const { createTerminalAsker } = await load<typeof import("./cli/prompt.ts")>(
      "./cli/prompt.ts",
    );
    const readLine = async () => {
      const buf = new Uint8Array(1024);
      const n = await Deno.stdin.read(buf);
      return n === null ? null : new TextDecoder().decode(buf.subarray(0, n));
    };
    ask = createTerminalAsker(readLine, err);
  }
  return await openToolHost({
    root: projectRoot(args),
    home: homeDir(),
    env: Deno.env.toObject(),
    flags: args.yes ? { permissions: { auto_approve: true } } : undefined,
    ask,
    implicitReads: options.implicitReads ?? false,
    tools: options.tools,
    ignoreConfigFiles: options.ignoreConfigFiles,
  });
}

async function toolsCommand(args: CliArgs): Promise<number> {
  const { listTools, renderToolList } = await load<typeof import("./cli/tools_cmd.ts")>(
    "./cli/tools_cmd.ts",
  );
  const { host } = await open(args, { interactive: false });
  const listing = listTools(host.tools);
  out(args.json ? JSON.stringify(listing, null, 2) + "\n" : renderToolList(listing));
  return 0;
}

async function toolCommand(args: CliArgs): Promise<number> {
  const [name, rawArgs, ...extra] = args.positionals;
  if (!name || extra.length > 0) {
    err(`Cannot run a tool: expected 'loom tool NAME JSON-ARGS'; see 'loom tool --help'\n`);
    return 2;
  }
  const text = rawArgs === "-" ? await new Response(Deno.stdin.readable).text() : rawArgs ?? "{}";
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (e) {
    err(`Cannot run "${name}": the arguments are not valid JSON (${(e as Error).message})\n`);
    return 2;
  }
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    err(`Cannot run "${name}": the arguments must be one JSON object\n`);
    return 2;
  }
  const interactive = rawArgs !== "-" && Deno.stdin.isTerminal() && !args.json;
  // The call path loads while the project opens.
  const runModule = load<typeof import("./tools/run.ts")>("./tools/run.ts");
  runModule.catch(() => {}); // Awaited below; a failure is reported there.
  // Only the named tool's module loads (an unknown name loads all, so the error can list them).
  const { isToolName } = await load<typeof import("./tools/loaders.ts")>("./tools/loaders.ts");
  // The person running `loom tool` has seen the file: edits need no earlier file_read here.
  const { host, loaded } = await open(args, {
    interactive,
    implicitReads: true,
    tools: isToolName(name) ? [name] : undefined,
  });
  // A misspelt config key is ignored: say so rather than let the setting silently not apply.
  for (const warning of loaded.warnings) err(`loom: warning: ${warning}\n`);
  const { runTool, USER_SAID_NO } = await runModule;
  // Tool output (file contents, command output) reaching a terminal shows its control characters
  // instead of running them; piped output and --json stay exact.
  const { safeText } = await load<typeof import("./core/safe_text.ts")>("./core/safe_text.ts");
  const shown = (text: string, tty: boolean) => {
    const safe = tty ? safeText(text) : text;
    return safe.endsWith("\n") ? safe : safe + "\n";
  };
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  Deno.addSignalListener("SIGINT", onSignal);
  try {
    const outcome = await runTool(host, name, input, { signal: controller.signal });
    if (args.json) {
      out(JSON.stringify(outcome, null, 2) + "\n");
    } else if (outcome.isError) {
      err(shown(outcome.text, Deno.stderr.isTerminal()));
      // Which rule asked matters when no one could answer, not when the person said no.
      if (
        outcome.code === "DENIED" && outcome.request && outcome.decision?.reason !== USER_SAID_NO
      ) err(shown(host.permissions.explain(outcome.request), Deno.stderr.isTerminal()));
    } else {
      out(shown(outcome.text, Deno.stdout.isTerminal()));
    }
    if (!outcome.isError) return 0;
    return outcome.code === "USAGE" ? 2 : 1;
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
  }
}

async function mcpCommand(args: CliArgs, argv: string[]): Promise<number> {
  const { runMcpCommand } = await load<typeof import("./cli/mcp_cmd.ts")>("./cli/mcp_cmd.ts");
  const { reexecUnderDeno } = await load<typeof import("./sandbox/deno_flags.ts")>(
    "./sandbox/deno_flags.ts",
  );
  return await runMcpCommand({
    args,
    argv,
    env: Deno.env.toObject(),
    home: homeDir(),
    cwd: () => Deno.cwd(),
    tempDir: Deno.env.get("TMPDIR") ?? "/tmp",
    execPath: () => Deno.execPath(),
    mainModule: Deno.mainModule,
    version: VERSION,
    err,
    reexec: reexecUnderDeno,
    stopSignal: () =>
      new Promise((resolve) => {
        Deno.addSignalListener("SIGINT", () => resolve());
        Deno.addSignalListener("SIGTERM", () => resolve());
      }),
  });
}

async function doctorCommand(args: CliArgs): Promise<number> {
  const { renderDoctor, runDoctor } = await load<typeof import("./cli/doctor.ts")>(
    "./cli/doctor.ts",
  );
  const { planMcpSandbox } = await load<typeof import("./cli/mcp_cmd.ts")>("./cli/mcp_cmd.ts");
  const { createProcessRunner } = await load<typeof import("./sandbox/mod.ts")>("./sandbox/mod.ts");
  const { join } = await load<typeof import("node:path")>("node:path");
  let opened: OpenedHost;
  // A config file that cannot be loaded is one problem among the others: the rest is checked on
  // the defaults, so the report still says what else needs fixing.
  let configProblem: { message: string; file: unknown } | undefined;
  try {
    try {
      opened = await open(args, { interactive: false });
    } catch (e) {
      if (!isLoomError(e) || e.code !== "CONFIG") throw e;
      configProblem = { message: e.message, file: e.details?.file };
      opened = await open(args, { interactive: false, ignoreConfigFiles: true });
    }
  } catch (e) {
    if (!isLoomError(e)) throw e;
    const message = `loom doctor: the project cannot be opened\n  ${e.message}\n`;
    if (args.json) out(JSON.stringify({ ok: false, error: e.message }, null, 2) + "\n");
    else err(message);
    return 1;
  }
  const probe = createProcessRunner({ env: Deno.env.toObject() });
  const report = await runDoctor(opened, probe, Deno.version.deno, VERSION, Deno.env.toObject());
  if (configProblem !== undefined) {
    err(`loom doctor: ${configProblem.message}\n`);
    report.checks.unshift({
      name: "config",
      ok: false,
      detail: configProblem.message,
      fix: "fix the file; until then Loom will not start, and the checks here used the defaults",
      severity: "error",
    });
    if (typeof configProblem.file === "string") {
      report.configFiles.unshift({ path: configProblem.file, kind: "not loaded: see Problems" });
    }
  }
  const { DATA_DIR_FIX, probeDataDir } = await load<typeof import("./tools/host.ts")>(
    "./tools/host.ts",
  );
  const dataProblem = await probeDataDir(opened.host.context.guard.root);
  if (dataProblem) {
    report.checks.push({
      name: "data",
      ok: false,
      detail: dataProblem,
      fix: DATA_DIR_FIX,
      severity: "warning",
    });
  }
  report.mcpSandbox = await planMcpSandbox({
    env: Deno.env.toObject(),
    home: homeDir(),
    tempDir: join(Deno.env.get("TMPDIR") ?? "/tmp", "loom-mcp-XXXXXX"),
    execPath: () => Deno.execPath(),
    mainModule: Deno.mainModule,
    argv: ["mcp", "--project", opened.host.context.guard.root],
  }, opened.host.context.guard.root);
  out(args.json ? JSON.stringify(report, null, 2) + "\n" : renderDoctor(report));
  return report.checks.some((c) => !c.ok && c.severity === "error") ? 1 : 0;
}

if (import.meta.main) {
  let code: number;
  try {
    code = await main(Deno.args);
  } catch (e) {
    if (isLoomError(e)) {
      err(`${e.message}\n`);
      code = e.code === "USAGE" ? 2 : 1;
    } else if (e instanceof Deno.errors.BrokenPipe) {
      // The reader went away (`loom graph narrative | head`): what it wanted, it got.
      code = 0;
    } else {
      err(`loom: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
      code = 1;
    }
  }
  await settlePending(); // e.g. directory flushes of `[files] fsync`
  Deno.exit(code);
}
