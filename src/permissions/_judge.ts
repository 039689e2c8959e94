import { posix } from "node:path";
import { isProtected } from "../workspace/guard.ts";
import { ruleMatches } from "./rules.ts";
import type { Rule, RuleSet, Unit } from "./rules.ts";
import type { ShellAnalysis } from "./shell_parse.ts";
import type { Action } from "./types.ts";

const DEV_OK = /^\/dev\/(null|stdout|stderr|tty|fd\/\d+)$/;

/** One unit's outcome. */
export interface Verdict {
  unit: Unit;
  action: Action;
  rule: string;
  source: string;
  why: string;
  /** True for the default outcome (nothing matched). */
  isDefault: boolean;
  matched?: Rule;
}

/** What judging needs: the rules, the grants, the root. */
export interface State {
  set: RuleSet;
  autoApprove: boolean;
  grants: Set<string>;
  root: string;
  configSource: string;
  autoApproveSource: string;
}

/** deny rules, then ask rules, then a session grant, then allow rules, then the default. */
export function judge(unit: Unit, state: State): Verdict {
  if (unit.kind === "write" && unit.path !== undefined && isProtected(unit.path)) {
    return {
      unit,
      action: "deny",
      rule: "built-in: protected path",
      source: "path guard",
      why: "is protected: .git/, .loom/, LOOM.md and .loom.toml are never written",
      isDefault: false,
    };
  }
  for (const action of ["deny", "ask"] as const) {
    const rule = state.set.rules.find((r) => r.action === action && ruleMatches(r, unit));
    if (rule) return fromRule(unit, rule);
  }
  const key = unitKey(unit);
  if (key !== null && state.grants.has(key)) {
    return {
      unit,
      action: "allow",
      rule: `session grant: ${unit.tool}(${unit.operation ?? unit.path ?? ""})`,
      source: "session grant",
      why: "is allowed for this session",
      isDefault: false,
    };
  }
  const allow = state.set.rules.find((r) => r.action === "allow" && ruleMatches(r, unit));
  if (allow) return fromRule(unit, allow);
  const readOnly = unit.kind === "read" || (unit.kind === "git" && !unit.mutating);
  if (readOnly) {
    return {
      unit,
      action: "allow",
      rule: "default: allow reads",
      source: "default",
      why: "is a read inside the project, allowed by default",
      isDefault: true,
    };
  }
  if (state.autoApprove) {
    return {
      unit,
      action: "allow",
      rule: "auto_approve",
      source: state.autoApproveSource,
      why: "matches no rule, and auto_approve allows it",
      isDefault: true,
    };
  }
  return {
    unit,
    action: "ask",
    rule: "default: ask",
    source: "default",
    why: "matches no rule",
    isDefault: true,
  };
}

export function fromRule(unit: Unit, rule: Rule): Verdict {
  return {
    unit,
    action: rule.action,
    rule: `${rule.action}: ${rule.text}`,
    source: rule.source,
    why: `matches ${rule.action} rule ${rule.text}`,
    isDefault: false,
    matched: rule,
  };
}

/** Why a shell line needs a person even when every command is allowed; adds deny verdicts. */
export function shellProblems(
  analysis: ShellAnalysis,
  state: State,
  verdicts: Verdict[],
): string[] {
  const problems = [...analysis.problems];
  if (analysis.hasSubstitution) {
    problems.push("it runs command substitution ($(...), backticks, <(...) or >(...))");
  }
  if (analysis.assignments.length > 0) {
    problems.push(`it sets variables (${analysis.assignments.join(", ")})`);
  }
  for (const redirect of analysis.redirections) {
    const where = `${redirect.operator} ${redirect.target}`;
    // A pattern target (`> .gi?/config`) is expanded by bash, so its real name is unknown here.
    if (!redirect.literal || /[*?[]/.test(redirect.target)) {
      problems.push(`its redirection "${where}" has a target only known when it runs`);
      continue;
    }
    const rel = placeTarget(redirect.target, state.root);
    if (rel === "device") continue;
    const out = redirect.direction === "out";
    if (rel === null) {
      if (out) problems.push(`its redirection "${where}" writes outside the project`);
      continue;
    }
    const unit: Unit = {
      tool: out ? "file_write" : "file_read",
      kind: out ? "write" : "read",
      mutating: out,
      path: rel,
    };
    const verdict = judge(unit, state);
    if (verdict.action === "deny") {
      verdicts.push({ ...verdict, why: `${verdict.why} (redirection "${where}")` });
    }
  }
  return problems;
}

/** Scripts run through `sh -c` or `eval` can still hit a deny rule. */
export function denyInner(analysis: ShellAnalysis, state: State, verdicts: Verdict[]): void {
  for (const command of analysis.commands) {
    for (const inner of command.inner) {
      for (const sub of inner.commands) {
        const unit: Unit = {
          tool: "shell",
          kind: "shell",
          mutating: true,
          command: { words: sub.words, literal: sub.literal },
        };
        const rule = state.set.rules.find((r) => r.action === "deny" && ruleMatches(r, unit));
        if (rule) verdicts.push(fromRule(unit, rule));
      }
      denyInner(inner, state, verdicts);
    }
  }
}

/** Project-relative target of a redirection, "device" for /dev/null and friends, null outside. */
function placeTarget(target: string, root: string): string | "device" | null {
  if (DEV_OK.test(target)) return "device";
  if (target.startsWith("~")) return null;
  const abs = posix.resolve(root, target);
  if (abs !== root && !abs.startsWith(root === "/" ? "/" : `${root}/`)) return null;
  return posix.relative(root, abs) || ".";
}

/** The session-grant key of a path or git unit; shell grants key on the whole line. */
export function unitKey(unit: Unit): string | null {
  if (unit.kind === "shell") return null;
  return [unit.tool, unit.operation ?? "", unit.path ?? ""].join("\0");
}
