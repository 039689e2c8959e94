import type { PermissionRequest } from "../core/mod.ts";

export type Action = "allow" | "ask" | "deny";

/** The outcome of matching one call against the rules, and why. */
export interface Decision {
  action: Action;
  /** The rule that decided, as written (e.g. `deny: shell(rm *)`), or the default that applied. */
  rule: string;
  /** Where that rule came from (`.loom.toml`, `LOOM.md:12`, `default`, `session grant`). */
  source: string;
  /** One sentence for a person or a model. */
  reason: string;
  /** For ask/deny: the rule to add to allow such calls (e.g. `allow = ["shell(npm test)"]`). */
  suggestion?: string;
}

/** An answer to an `ask`: once, for the rest of the session, or no. */
export type Answer = "once" | "session" | "deny";

/** Asks a person (terminal prompt, MCP elicitation). Absent where nobody can answer. */
export type Asker = (request: PermissionRequest, decision: Decision) => Promise<Answer>;

/** Decides calls; remembers session grants. */
export interface PermissionEngine {
  /** Async because shell commands need the bash grammar, loaded once on first use. */
  decide(request: PermissionRequest): Promise<Decision>;
  /** Records an "allow for this session" grant for calls like `request`. */
  grantForSession(request: PermissionRequest): void;
  /** A human-readable account of which rule decides `request` and why. */
  explain(request: PermissionRequest): string;
  /** True when a rule denies `tool` (default `file_read`) reading `rel`; walkers skip such files. */
  isReadDenied(rel: string, tool?: string): boolean;
}
