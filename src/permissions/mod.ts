export { createPermissionEngine, readDenied } from "./engine.ts";
export type { Evaluation, PermissionEngineOptions, Verdict } from "./engine.ts";
export { allowRuleFor } from "./explain.ts";
export { isReadDenied } from "./read_denied.ts";
export {
  commandVariants,
  compileGlob,
  matchCommand,
  matchGlob,
  matchWord,
  normalizeRel,
  parseCommandPattern,
} from "./match.ts";
export type { CommandPattern, CommandWords, PathMatcher } from "./match.ts";
export { collectRules, parseRule, ruleMatches } from "./rules.ts";
export type { Rule, RuleError, RuleSet, Unit } from "./rules.ts";
export { isShellParserReady, parseShellCommand, preloadShellParser } from "./shell_parse.ts";
export type { Redirection, ShellAnalysis, SimpleCommand } from "./shell_parse.ts";
export type { Action, Answer, Asker, Decision, PermissionEngine } from "./types.ts";
export { describeRequest } from "./describe.ts";
