import { isLoomError } from "../core/mod.ts";
import { defaultProvider, keyStatuses } from "./_doctor_keys.ts";
import type { KeyStatus } from "./_doctor_keys.ts";
import type { ProcessRunner } from "../core/mod.ts";
import type { OpenedHost } from "../tools/host.ts";

/** One finding of `loom doctor`; problems carry what to do. */
export interface DoctorCheck {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
  /** Errors make `loom doctor` exit 1; warnings do not. */
  severity?: "error" | "warning";
}

/** Everything `loom doctor --json` prints. */
export interface DoctorReport {
  version: string;
  deno: string;
  root: string;
  sandbox: { mode: string; reason: string; network: boolean };
  searchEngine: string;
  /** `[model] default` in effect. */
  model: string;
  /** Provider key variables and whether each is set (never the values). */
  keys: KeyStatus[];
  configFiles: { path: string; kind: string }[];
  warnings: string[];
  trust: { trusted: boolean; recorded: boolean; pending: string[] };
  checks: DoctorCheck[];
  /** How `loom mcp` re-executes itself under Deno's permissions (set by the composition root). */
  mcpSandbox?: { reexec: boolean; flags: string[]; argv: string[] };
}

const TOOLS: { name: string; argv: string[]; fix: string; severity: "error" | "warning" }[] = [
  {
    name: "git",
    argv: ["git", "--version"],
    fix: "install git (Debian: apt-get install git); the git tool needs it",
    severity: "error",
  },
  {
    name: "rg",
    argv: ["rg", "--version"],
    fix:
      "install ripgrep (Debian: apt-get install ripgrep); content_search uses a slower built-in engine until then",
    severity: "warning",
  },
  {
    name: "bwrap",
    argv: ["bwrap", "--version"],
    fix:
      "install bubblewrap (Debian: apt-get install bubblewrap); shell commands run unsandboxed until then",
    severity: "warning",
  },
];

/** Probes the programs Loom uses and summarises the opened project. */
export async function runDoctor(
  opened: OpenedHost,
  probe: ProcessRunner,
  denoVersion: string,
  version: string,
  env: Record<string, string> = {},
): Promise<DoctorReport> {
  const { loaded, host } = opened;
  const root = host.context.guard.root;
  const checks: DoctorCheck[] = [];
  const keys = keyStatuses(loaded.config, env);
  const provider = defaultProvider(loaded.config);
  const needed = keys.find((k) => k.provider === provider);
  if (needed && !needed.set) {
    checks.push({
      name: "keys",
      ok: false,
      detail:
        `${needed.variable} is not set; the default model ${loaded.config.model.default} needs it`,
      fix: `export ${needed.variable}=... for 'loom' and 'loom -p' (or pick another model with ` +
        "--model / [model] default); 'loom mcp' and 'loom tool' need no key",
      severity: "warning",
    });
  }
  for (const tool of TOOLS) {
    checks.push(await probeVersion(probe, root, tool));
  }
  let sandbox: { mode: string; reason: string };
  try {
    const found = await opened.sandbox();
    sandbox = { mode: found.mode, reason: found.reason };
    checks.push({
      name: "sandbox",
      ok: found.mode === "bwrap",
      detail: `${found.mode}: ${found.reason}`,
      fix: found.mode === "bwrap"
        ? undefined
        : "shell commands run with your full user rights; install bubblewrap or see README troubleshooting",
      severity: found.mode === "bwrap" ? undefined : "warning",
    });
  } catch (err) {
    if (!isLoomError(err)) throw err;
    sandbox = { mode: "unavailable", reason: err.message };
    checks.push({
      name: "sandbox",
      ok: false,
      detail: err.message,
      fix:
        'install bubblewrap, or set [sandbox] mode = "auto" to run unsandboxed where it is missing',
      severity: "error",
    });
  }
  for (const error of loaded.rules.errors) {
    checks.push({
      name: "rules",
      ok: false,
      detail: `${error.file}:${error.line}: ${error.message}`,
      fix: "fix the line; until then every call that changes anything is denied",
      severity: "error",
    });
  }
  if (!loaded.trust.trusted) {
    checks.push({
      name: "trust",
      ok: false,
      detail: `${loaded.trust.pending.length} rule(s) wait for trust`,
      fix: "review them, then run 'loom trust'",
      severity: "warning",
    });
  }
  // A misspelt key is ignored: a problem to fix, not a line to skim past.
  for (const warning of loaded.warnings) {
    checks.push({
      name: "config",
      ok: false,
      detail: warning,
      fix: "correct or remove the key (see README, Configuration)",
      severity: "warning",
    });
  }
  return {
    version,
    deno: denoVersion,
    root,
    sandbox: { ...sandbox, network: host.context.config.sandbox.network },
    model: loaded.config.model.default,
    keys,
    searchEngine: opened.rgPath ? `ripgrep (${opened.rgPath})` : "built-in",
    configFiles: loaded.files,
    warnings: loaded.warnings,
    trust: {
      trusted: loaded.trust.trusted,
      recorded: loaded.trust.recorded,
      pending: loaded.trust.pending,
    },
    checks,
  };
}

async function probeVersion(
  probe: ProcessRunner,
  cwd: string,
  tool: (typeof TOOLS)[number],
): Promise<DoctorCheck> {
  try {
    const result = await probe.run(tool.argv, { cwd, timeoutMs: 10_000, sandbox: false });
    const first = result.stdout.split("\n")[0].trim();
    if (result.code === 0) return { name: tool.name, ok: true, detail: first };
    return {
      name: tool.name,
      ok: false,
      detail: `exited ${result.code}: ${result.stderr.trim()}`,
      fix: tool.fix,
      severity: tool.severity,
    };
  } catch (err) {
    const detail = isLoomError(err) ? "not found on PATH" : String(err);
    return { name: tool.name, ok: false, detail, fix: tool.fix, severity: tool.severity };
  }
}

/** The report as text for a terminal. */
export function renderDoctor(report: DoctorReport): string {
  const lines = [
    `loom ${report.version}`,
    `deno        ${report.deno}`,
    `project     ${report.root}`,
  ];
  for (const check of report.checks.filter((c) => ["git", "rg", "bwrap"].includes(c.name))) {
    lines.push(`${check.name.padEnd(11)} ${check.ok ? check.detail : `MISSING (${check.detail})`}`);
  }
  lines.push(
    `sandbox     ${report.sandbox.mode} (${report.sandbox.reason}); network ${
      report.sandbox.network ? "allowed" : "off"
    }`,
  );
  lines.push(`search      ${report.searchEngine}`);
  const set = report.keys.filter((k) => k.set).map((k) => k.variable);
  lines.push(`model       ${report.model}`);
  lines.push(`keys        ${set.length > 0 ? `${set.join(", ")} set` : "no provider key set"}`);
  if (report.mcpSandbox) {
    lines.push(
      report.mcpSandbox.reexec
        ? `mcp deno    ${report.mcpSandbox.flags.join(" ")}`
        : "mcp deno    no re-exec (LOOM_MCP_SANDBOX=off or already sandboxed)",
    );
  }
  lines.push(
    report.configFiles.length === 0
      ? "config      no config or rule files found (defaults in effect)"
      : `config      ${report.configFiles.map((f) => `${f.path} (${f.kind})`).join(", ")}`,
  );
  lines.push(
    `trust       ${
      report.trust.recorded
        ? "trusted"
        : report.trust.trusted
        ? "nothing waiting for trust"
        : `NOT trusted: ${report.trust.pending.length} rule(s) waiting ('loom trust --status')`
    }`,
  );
  if (!report.trust.trusted) {
    for (const pending of report.trust.pending) lines.push(`            waiting: ${pending}`);
  }
  for (const warning of report.warnings) lines.push(`warning     ${warning}`);
  const problems = report.checks.filter((c) => !c.ok);
  if (problems.length === 0) {
    lines.push("", "No problems found.");
  } else {
    lines.push("", "Problems:");
    for (const p of problems) {
      lines.push(`  [${p.severity ?? "warning"}] ${p.name}: ${p.detail}`);
      if (p.fix) lines.push(`      → ${p.fix}`);
    }
  }
  return lines.join("\n") + "\n";
}
