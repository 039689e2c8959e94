import { loadGlobEngine, needsRe2 } from "../workspace/glob.ts";
import type { PermissionRequest } from "../core/mod.ts";
import type { LoomConfig } from "../config/schema.ts";
import type { ProjectRules } from "../config/rules_types.ts";
import { denyInner, judge, shellProblems, unitKey } from "./_judge.ts";
import type { State, Verdict } from "./_judge.ts";
import { normalizeRel, ruleGlobs } from "./match.ts";
import { collectRules, ruleMatches } from "./rules.ts";
import type { RuleSet, Unit } from "./rules.ts";
import { isShellParserReady, parseShellCommand, preloadShellParser } from "./shell_parse.ts";
import type { ShellAnalysis } from "./shell_parse.ts";
import { formatExplanation, ruleSuggestion, subjectOf, unitLabel } from "./explain.ts";
import type { Action, Decision, PermissionEngine } from "./types.ts";

export type { Verdict } from "./_judge.ts";

/** What the engine is built from. */
export interface PermissionEngineOptions {
  permissions: LoomConfig["permissions"];
  rules: ProjectRules;
  /** The project root (realpath), to place shell redirections. */
  root: string;
  /** False for an untrusted project: LOOM.md `Shell:` and `File Write:` rules are ignored. */
  trusted?: boolean;
  /** How config rules are named in explanations (default `.loom.toml`). */
  configSource?: string;
  /** Where auto_approve came from, for explanations (default `<configSource> permissions.auto_approve`). */
  autoApproveSource?: string;
}

/** The full account of one decision, for explain. */
export interface Evaluation {
  decision: Decision;
  verdicts: Verdict[];
  /** Reasons a shell line can never be allowed without a person. */
  problems: string[];
}

const ORDER: Record<Action, number> = { allow: 0, ask: 1, deny: 2 };

/** Builds the rule engine: deny beats ask beats allow, whatever the order they were written in. */
export function createPermissionEngine(options: PermissionEngineOptions): PermissionEngine {
  const configSource = options.configSource ?? ".loom.toml";
  const set = collectRules(options.permissions, options.rules, {
    trusted: options.trusted ?? true,
    configSource,
  });
  const autoApprove = options.permissions.auto_approve;
  const grants = new Set<string>();
  const root = options.root.replaceAll("\\", "/").replace(/\/+$/, "") || "/";

  const autoApproveSource = options.autoApproveSource ??
    `${configSource} permissions.auto_approve`;
  const evaluate = (request: PermissionRequest): Evaluation =>
    evaluateRequest(request, { set, autoApprove, grants, root, configSource, autoApproveSource });

  // Rule globs that need RE2 (a crafted LOOM.md line, say) have it loaded here, where waiting is
  // possible: a sub-agent's Worker cannot load it on demand (see workspace/glob.ts).
  const globs = set.rules.some((rule) =>
    rule.pattern !== undefined && rule.matchPath !== undefined &&
    (ruleGlobs(rule.pattern) ?? []).some(needsRe2)
  );
  return {
    async decide(request) {
      if (request.kind === "shell") await preloadShellParser();
      if (globs) await loadGlobEngine();
      return evaluate(request).decision;
    },
    grantForSession(request) {
      for (const key of grantKeys(request)) grants.add(key);
    },
    explain(request) {
      if (request.kind === "shell" && !isShellParserReady()) {
        throw new Error(
          "explain() on a shell request needs decide() or preloadShellParser() first",
        );
      }
      return formatExplanation(request, evaluate(request));
    },
    isReadDenied(rel, tool = "file_read") {
      return readDenied(set, rel, tool);
    },
  };
}

/** True when `rel` may not be read by `tool` under `set` (also for paths outside the project). */
export function readDenied(set: RuleSet, rel: string, tool = "file_read"): boolean {
  const path = normalizeRel(rel);
  if (path === null) return true;
  const unit: Unit = { tool, kind: "read", mutating: false, path };
  return set.rules.some((rule) => rule.action === "deny" && ruleMatches(rule, unit));
}

function evaluateRequest(request: PermissionRequest, state: State): Evaluation {
  const label = unitLabel(request);
  const paths = "paths" in request ? request.paths.map(normalizeRel) : [];
  const outside = paths.findIndex((p) => p === null);
  if (outside >= 0) {
    const path = (request as { paths: string[] }).paths[outside];
    return fixed(
      "deny",
      "built-in: project boundary",
      "path guard",
      `"${path}" is outside the project`,
    );
  }
  const readOnly = request.kind === "read" || (request.kind === "git" && !request.mutating);
  const error = state.set.errors[0];
  if (error && !readOnly) {
    return fixed(
      "deny",
      `fail closed: ${error.source}`,
      error.source,
      `${error.source} is malformed (${error.message}), so every call that changes something is denied`,
      `fix ${error.source}, then retry`,
    );
  }

  const analysis = request.kind === "shell" ? parseShellCommand(request.command) : null;
  const units = unitsOf(request, paths as string[], analysis);
  const verdicts = units.map((unit) => judge(unit, state));
  const problems = analysis ? shellProblems(analysis, state, verdicts) : [];
  if (analysis) denyInner(analysis, state, verdicts);

  const strictest = verdicts.reduce<Verdict | null>(
    (worst, v) => (worst === null || ORDER[v.action] > ORDER[worst.action] ? v : worst),
    null,
  );
  if (strictest?.action === "deny") return done(toDecision(strictest, label, verdicts, state));
  if (request.kind === "shell" && state.grants.has(shellKey(request.command))) {
    return done({
      action: "allow",
      rule: `session grant: shell(${request.command.trim()})`,
      source: "session grant",
      reason: `this exact command was allowed for the session`,
    });
  }
  if (strictest === null) {
    return done({
      action: "ask",
      rule: "default: ask",
      source: "default",
      reason: problems[0] ?? "there is no command to judge",
    });
  }
  if (strictest.action === "allow" && problems.length > 0) {
    return done({
      action: "ask",
      rule: strictest.rule,
      source: strictest.source,
      reason: `${label} cannot be allowed without asking: ${problems.join("; ")}`,
      suggestion: `rewrite it as plain commands, or answer "session" to allow this exact command`,
    });
  }
  const decision = toDecision(strictest, label, verdicts, state);
  if (problems.length > 0 && decision.action === "ask") {
    decision.reason += `; also ${problems.join("; ")}`;
    decision.suggestion =
      `answer "session" to allow this exact command, or rewrite it as plain commands`;
  }
  return done(decision);

  function done(decision: Decision): Evaluation {
    return { decision, verdicts, problems };
  }
  function fixed(action: Action, rule: string, source: string, why: string, suggestion?: string) {
    const reason = `${label} is denied: ${why}`;
    return { decision: { action, rule, source, reason, suggestion }, verdicts: [], problems: [] };
  }
}

function unitsOf(request: PermissionRequest, paths: string[], analysis: ShellAnalysis | null) {
  const base = { tool: request.tool };
  switch (request.kind) {
    case "read":
    case "write": {
      const mutating = request.kind === "write";
      const list = paths.length > 0 ? paths : [undefined];
      return list.map((path): Unit => ({ ...base, kind: request.kind, mutating, path }));
    }
    case "git": {
      const list = paths.length > 0 ? paths : [undefined];
      return list.map((path): Unit => ({
        ...base,
        kind: "git",
        mutating: request.mutating,
        operation: request.operation,
        path,
      }));
    }
    case "shell":
      return analysis!.commands.map((command): Unit => ({
        ...base,
        kind: "shell",
        mutating: true,
        command: { words: command.words, literal: command.literal },
      }));
  }
}

function toDecision(v: Verdict, label: string, verdicts: Verdict[], state: State): Decision {
  const decision: Decision = {
    action: v.action,
    rule: v.rule,
    source: v.source,
    reason: verdicts.length === 1 ? `${label} ${v.why}` : `${label}: ${subjectOf(v.unit)} ${v.why}`,
  };
  if (v.action === "allow") return decision;
  if (v.matched) decision.suggestion = v.matched.removal;
  else if (v.isDefault) {
    const unmatched = verdicts.filter((x) => x.action === "ask" && x.isDefault);
    decision.suggestion = ruleSuggestion(unmatched, state.configSource);
  }
  return decision;
}

function grantKeys(request: PermissionRequest): string[] {
  if (request.kind === "shell") return [shellKey(request.command)];
  const paths = request.paths.map(normalizeRel).filter((p): p is string => p !== null);
  const list = paths.length > 0 ? paths : [undefined];
  return list.map((path) => {
    const op = request.kind === "git" ? request.operation : undefined;
    return unitKey({
      tool: request.tool,
      kind: request.kind,
      mutating: true,
      path,
      operation: op,
    })!;
  });
}

function shellKey(command: string): string {
  return `shell\0${command.trim()}`;
}
