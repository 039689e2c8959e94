import { join } from "node:path";
import { createRequire } from "node:module";
import type Picomatch from "picomatch";
import { isLoomError, LoomError, refuseSpecialFile } from "../core/mod.ts";
import { emptyRules } from "./rules_types.ts";
import type { ProjectRules } from "./rules_types.ts";

// picomatch is CommonJS, and Deno's first CommonJS module costs ~8 ms of start-up: it loads on
// the first glob compiled here (most `loom tool` calls compile none). require finds the version
// pinned in the import map, which `deno install` put in node_modules.
let picomatchModule: typeof Picomatch | undefined;
const picomatch = (): typeof Picomatch =>
  picomatchModule ??= createRequire(import.meta.url)("picomatch");

/** A LOOM.md line that widens permissions (`Shell:` / `File Write:`), kept for the trust prompt. */
export interface WideningLine {
  file: string;
  line: number;
  /** The line as written, without its bullet: `Shell: npm test, npm run *`. */
  text: string;
  kind: "shell" | "fileWrite";
}

type RuleKind = "shell" | "fileWrite" | "fileWriteDenied" | "fileReadDenied";
const KEYS: Record<string, RuleKind> = {
  "shell": "shell",
  "file write": "fileWrite",
  "file write denied": "fileWriteDenied",
  "file read denied": "fileReadDenied",
};
const KNOWN = "use Shell, File Write, File Write Denied or File Read Denied";
// Tested on trimmed lines: a trailing \s* after \s*#* would retry every split of a long run.
const SECTION_START = /^##\s+allowed operations\s*#*$/i;
const SECTION_END = /^#{1,2}(\s|$)/;
const INSTRUCTION_FILES = ["AGENTS.md", "CLAUDE.md"];

/** Parses LOOM.md: free text becomes instructions, `## Allowed Operations` becomes rules. */
export function parseRulesMarkdown(text: string, file: string): ProjectRules {
  return parseRulesDetailed(text, file).rules;
}

/** Like parseRulesMarkdown, and also lists the widening lines with their line numbers. */
export function parseRulesDetailed(
  text: string,
  file: string,
): { rules: ProjectRules; widening: WideningLine[] } {
  const rules = emptyRules();
  const widening: WideningLine[] = [];
  const free: string[] = [];
  let inSection = false;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    if (SECTION_START.test(raw.trim())) {
      inSection = true;
      return;
    }
    if (inSection && SECTION_END.test(raw.trim())) inSection = false;
    if (!inSection) {
      free.push(raw);
      return;
    }
    const body = raw.trim().replace(/^[-*]\s+/, "");
    if (body === "") return;
    const fail = (why: string) =>
      rules.errors.push({ file, line, message: `Cannot use rule "${body}": ${why}` });
    if (body.includes("\0")) return fail("it contains a NUL byte; remove it");
    const match = /^([^:]*):(.*)$/.exec(body);
    if (!match) return fail(`expected "Key: values"; ${KNOWN}`);
    const kind = KEYS[match[1].trim().toLowerCase().replace(/\s+/g, " ")];
    if (!kind) return fail(`unknown key "${match[1].trim()}"; ${KNOWN}`);
    const items = match[2].split(",").map((item) => item.trim()).filter((item) => item !== "");
    if (items.length === 0) return fail("no patterns after the colon; list them, comma-separated");
    if (kind !== "shell") {
      for (const glob of items) {
        const problem = globProblem(glob);
        if (problem) return fail(`"${glob}" is not a valid glob (${problem}); fix or remove it`);
      }
    }
    rules[kind].push(...items);
    if (kind === "shell" || kind === "fileWrite") widening.push({ file, line, text: body, kind });
  });
  const instructions = free.join("\n").trim();
  if (instructions) rules.instructions.push({ source: file, text: instructions });
  return { rules, widening };
}

/** Reads LOOM.md (rules and text) and AGENTS.md / CLAUDE.md (text only) from `root`; missing files are fine. */
export async function loadProjectRules(
  root: string,
): Promise<{ rules: ProjectRules; widening: WideningLine[]; files: string[] }> {
  const files: string[] = [];
  const loomPath = join(root, "LOOM.md");
  const loomText = await readOptional(loomPath);
  const { rules, widening } = loomText === undefined
    ? { rules: emptyRules(), widening: [] }
    : parseRulesDetailed(loomText, "LOOM.md");
  if (loomText !== undefined) files.push(loomPath);
  for (const name of INSTRUCTION_FILES) {
    const path = join(root, name);
    const text = await readOptional(path);
    if (text === undefined) continue;
    files.push(path);
    if (text.trim()) rules.instructions.push({ source: name, text: text.trim() });
  }
  return { rules, widening, files };
}

/** Reads a text file, or undefined when it does not exist. */
export async function readOptional(path: string): Promise<string | undefined> {
  try {
    refuseSpecialFile(path, "read");
    return await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    if (isLoomError(err)) throw new LoomError("CONFIG", err.message, { cause: err });
    throw new LoomError("CONFIG", `Cannot read "${path}": ${(err as Error).message}`, {
      cause: err,
    });
  }
}

function globProblem(glob: string): string | undefined {
  try {
    picomatch().makeRe(glob, { strictBrackets: true, debug: true });
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
