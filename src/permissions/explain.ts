import type { PermissionRequest } from "../core/mod.ts";
import type { Unit } from "./rules.ts";
import type { Evaluation } from "./engine.ts";
import type { Verdict } from "./_judge.ts";

/** How a call is named in reasons: `shell "npm test"`, `file_write "src/a.ts"`, `git commit`. */
export function unitLabel(request: PermissionRequest): string {
  if (request.kind === "shell") return `shell "${clip(request.command)}"`;
  const head = request.kind === "git" ? `${request.tool} ${request.operation}` : request.tool;
  if (request.paths.length === 0) return head;
  return `${head} ${request.paths.map((p) => `"${p}"`).join(", ")}`;
}

/** How one unit is named in a reason: the command's words, the path, or the git operation. */
export function subjectOf(unit: Unit): string {
  if (unit.command) return `"${clip(unit.command.words.join(" "))}"`;
  if (unit.path !== undefined) return `"${unit.path}"`;
  if (unit.operation !== undefined) return `git ${unit.operation}`;
  return "the call";
}

/**
 * The allow rules that would let these units through, as a line to add to `.loom.toml`.
 *
 * @example `add allow = ["shell(npm test)"] under [permissions] in .loom.toml`
 */
export function ruleSuggestion(verdicts: Verdict[], configSource: string): string | undefined {
  const rules = [...new Set(verdicts.map((v) => allowRuleFor(v.unit)))];
  if (rules.length === 0) return undefined;
  const list = rules.map((r) => JSON.stringify(r)).join(", ");
  return `add allow = [${list}] under [permissions] in ${configSource}`;
}

/** The narrowest rule string that allows `unit`. */
export function allowRuleFor(unit: Unit): string {
  if (unit.command) return `${unit.tool}(${patternFor(unit.command.words, unit.command.literal)})`;
  if (unit.kind === "git" && unit.operation !== undefined) return `${unit.tool}(${unit.operation})`;
  if (unit.path !== undefined) return `${unit.tool}(${unit.path})`;
  return unit.tool;
}

/** An exact command pattern for these words, or a prefix one up to the first unknown word. */
function patternFor(words: readonly string[], literal: readonly boolean[]): string {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (literal[i] === false) return [...out, "*"].join(" ");
    if (!/[\s'"*]/.test(word) && word !== "") out.push(word);
    else if (!word.includes('"')) out.push(`"${word}"`);
    else if (!word.includes("'")) out.push(`'${word}'`);
    else return [...out, "*"].join(" ");
  }
  return out.join(" ");
}

/** The multi-line account behind `explain()`. */
export function formatExplanation(request: PermissionRequest, evaluation: Evaluation): string {
  const { decision, verdicts, problems } = evaluation;
  const lines = [
    `${decision.action}: ${unitLabel(request)}`,
    `  decided by: ${decision.rule} (from ${decision.source})`,
    `  why: ${decision.reason}`,
  ];
  if (decision.suggestion) {
    const verb = decision.action === "deny" ? "to change this" : "to allow it";
    lines.push(`  ${verb}: ${decision.suggestion}`);
  }
  if (verdicts.length > 1 || request.kind === "shell") {
    lines.push(request.kind === "shell" ? "  each command:" : "  each part:");
    for (const v of verdicts) {
      lines.push(`    ${v.action.padEnd(5)} ${subjectOf(v.unit)}: ${v.rule} (from ${v.source})`);
    }
  }
  for (const problem of problems) lines.push(`  needs a person: ${problem}`);
  return lines.join("\n");
}

function clip(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 80 ? `${line.slice(0, 80)}...` : line;
}
