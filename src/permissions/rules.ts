import type { LoomConfig } from "../config/schema.ts";
import type { ProjectRules } from "../config/rules_types.ts";
import {
  commandVariants,
  compileGlob,
  matchCommand,
  matchWord,
  parseCommandPattern,
} from "./match.ts";
import type { CommandPattern, CommandWords, PathMatcher } from "./match.ts";
import type { Action } from "./types.ts";

/** One rule, compiled, with where it came from. */
export interface Rule {
  action: Action;
  /** The rule as a person would write it in `.loom.toml`: `shell(npm test)`. */
  text: string;
  /** Tool names it covers, or every tool. */
  tools: ReadonlySet<string> | "*";
  pattern?: string;
  /** "call": the pattern means a glob, command or git operation by kind; "path": always a glob. */
  patternKind: "call" | "path";
  /** "mutating": only calls that change something (LOOM.md `File Write Denied:`). */
  scope: "any" | "mutating";
  /** `.loom.toml permissions.deny[0]`, `LOOM.md File Read Denied:`. */
  source: string;
  /** How to take the rule away, for suggestions. */
  removal: string;
  matchPath?: PathMatcher;
  command?: CommandPattern;
}

/** What one rule is judged against: one path, one simple command or one git operation. */
export interface Unit {
  tool: string;
  kind: "read" | "write" | "shell" | "git";
  mutating: boolean;
  path?: string;
  operation?: string;
  command?: CommandWords;
}

/** A rule line that could not be understood: it makes the engine fail closed. */
export interface RuleError {
  source: string;
  message: string;
}

/** The compiled rule set. */
export interface RuleSet {
  rules: Rule[];
  errors: RuleError[];
}

const RULE = /^\s*(\*|[A-Za-z0-9_][A-Za-z0-9_.:-]*)\s*(?:\(([\s\S]*)\))?\s*$/;

/**
 * Parses a `.loom.toml` rule string: `TOOL` or `TOOL(PATTERN)`. Returns null when malformed.
 *
 * @example parseRule("shell(npm run *)") // { tool: "shell", pattern: "npm run *" }
 */
export function parseRule(text: string): { tool: string; pattern?: string } | null {
  const match = RULE.exec(text);
  if (!match) return null;
  const [, tool, pattern] = match;
  if (pattern === undefined) return { tool };
  if (pattern.trim() === "") return null;
  return { tool, pattern: pattern.trim() };
}

/** Compiles config rules and LOOM.md rules into one list; untrusted rules files cannot widen. */
export function collectRules(
  permissions: LoomConfig["permissions"],
  project: ProjectRules,
  options: { trusted: boolean; configSource: string },
): RuleSet {
  const rules: Rule[] = [];
  const errors: RuleError[] = project.errors.map((e) => ({
    source: `${e.file}:${e.line}`,
    message: e.message,
  }));
  for (const action of ["deny", "ask", "allow"] as const) {
    permissions[action].forEach((text, index) => {
      const source = `${options.configSource} permissions.${action}[${index}]`;
      const parsed = parseRule(text);
      if (!parsed) {
        errors.push({ source, message: `"${text}" is not TOOL or TOOL(PATTERN)` });
        return;
      }
      const removal =
        `remove "${text}" from ${action} under [permissions] in ${options.configSource}`;
      const tools = parsed.tool === "*" ? "*" : new Set([parsed.tool]);
      const rule = compile({ action, text, tools, pattern: parsed.pattern, source, removal });
      if (rule) rules.push(rule);
      else errors.push({ source, message: `"${text}" has an invalid pattern` });
    });
  }
  const fromFile = (heading: string, action: Action, globs: string[], extra: Partial<Rule>) => {
    for (const glob of globs) {
      const rule = compile({
        action,
        text: `${heading} ${glob}`,
        tools: extra.tools ?? "*",
        pattern: glob,
        source: `LOOM.md ${heading}`,
        removal: `remove "${glob}" from "${heading}" in LOOM.md`,
        patternKind: "path",
        ...extra,
      });
      if (rule) rules.push(rule);
      else errors.push({ source: `LOOM.md ${heading}`, message: `"${glob}" is not a valid glob` });
    }
  };
  fromFile("File Read Denied:", "deny", project.fileReadDenied, {});
  fromFile("File Write Denied:", "deny", project.fileWriteDenied, { scope: "mutating" });
  if (options.trusted) {
    fromFile("File Write:", "allow", project.fileWrite, {
      tools: new Set(["file_write", "file_edit"]),
    });
    for (const pattern of project.shell) {
      rules.push(
        compile({
          action: "allow",
          text: `Shell: ${pattern}`,
          tools: new Set(["shell"]),
          pattern,
          source: "LOOM.md Shell:",
          removal: `remove "${pattern}" from "Shell:" in LOOM.md`,
        })!,
      );
    }
  }
  return { rules, errors };
}

function compile(
  spec: Pick<Rule, "action" | "text" | "tools" | "source" | "removal"> & Partial<Rule>,
): Rule | null {
  const rule: Rule = { patternKind: "call", scope: "any", ...spec };
  if (rule.pattern === undefined) return rule;
  try {
    // Deny globs ignore case: on a case-insensitive disk `SECRET.ENV` is `secret.env`.
    rule.matchPath = compileGlob(rule.pattern, { nocase: rule.action === "deny" });
  } catch {
    return null;
  }
  rule.command = parseCommandPattern(rule.pattern);
  return rule;
}

/**
 * True when `rule` covers `unit`. Deny and ask rules also see through program paths and
 * wrappers (`/bin/rm`, `sudo rm`); allow rules match the command exactly as written.
 */
export function ruleMatches(rule: Rule, unit: Unit): boolean {
  if (rule.tools !== "*" && !rule.tools.has(unit.tool)) return false;
  if (rule.scope === "mutating" && !unit.mutating) return false;
  if (rule.pattern === undefined) return true;
  if (rule.patternKind === "path" || unit.kind === "read" || unit.kind === "write") {
    return unit.path !== undefined && rule.matchPath!(unit.path);
  }
  if (unit.kind === "git") {
    return unit.operation !== undefined && matchWord(rule.pattern, unit.operation);
  }
  if (!unit.command) return false;
  const forms = rule.action === "allow" ? [unit.command] : commandVariants(unit.command);
  return forms.some((form) => matchCommand(rule.command!, form.words, form.literal));
}
