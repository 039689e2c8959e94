/** Project instructions and the `## Allowed Operations` rules from LOOM.md (plus AGENTS.md / CLAUDE.md). */
export interface ProjectRules {
  /** Free text for the model, one entry per file that had any. */
  instructions: { source: string; text: string }[];
  /** `Shell:` command patterns (widen permissions: need trust). */
  shell: string[];
  /** `File Write:` globs (widen permissions: need trust). */
  fileWrite: string[];
  /** `File Write Denied:` globs (narrow: always in force). */
  fileWriteDenied: string[];
  /** `File Read Denied:` globs (narrow: always in force). */
  fileReadDenied: string[];
  /** Malformed lines. Any entry makes the rules fail closed (every mutating call is denied). */
  errors: { file: string; line: number; message: string }[];
}

/** Rules with nothing in them. */
export function emptyRules(): ProjectRules {
  return {
    instructions: [],
    shell: [],
    fileWrite: [],
    fileWriteDenied: [],
    fileReadDenied: [],
    errors: [],
  };
}
