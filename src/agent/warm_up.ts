// Warming up: a few rehearsed turns, run while Loom waits for the person, so that V8 has compiled
// and optimised what a turn runs before the person's first turns. Without them the first few
// dozen turns of a process run partly cold (interpreted, without type feedback) and cost Loom
// about half as much again as later ones. A rehearsal is a whole turn through the same code (the
// agent, the loop, the session store, tool dispatch, the provider's adapter, encoder and
// converter), against the model's rehearsal (a provider answering from a script on this machine,
// see llm/rehearsal.ts), with a session database in memory and one tool of its own: nothing is
// sent, written or shown.
import { z } from "zod";
import type { LanguageModel } from "../core/mod.ts";
import type { Tool } from "../tools/define.ts";
import type { ToolHost } from "../tools/run.ts";
import type { PermissionEngine } from "../permissions/types.ts";
import { DatabaseSync } from "node:sqlite";
import { type Agent, createAgent } from "./agent.ts";

/** What to warm up. */
export interface WarmUpOptions {
  /** The session's model: its rehearsal answers the rehearsed calls. */
  model: LanguageModel;
  /** Where the session runs: its project, config and rules (none of its tools run). */
  host: ToolHost;
  /** Turns to rehearse (default 30: by then a turn costs what it will later). */
  turns?: number;
  /** Stops between turns. */
  signal?: AbortSignal;
}

/** How many turns warming up rehearses unless told. */
export const WARM_UP_TURNS = 30;

/**
 * Rehearses turns, yielding to the event loop between them so that anything real goes first.
 * Resolves with the number rehearsed: 0 when the model has no rehearsal (a model built outside
 * createModel). Never rejects: warming up only saves time, so a failure only ends it.
 */
export async function warmUp(options: WarmUpOptions): Promise<number> {
  const model = options.model.rehearsal?.();
  if (model === undefined) return 0;
  let done = 0;
  // In memory: nothing to leave behind, whenever the process ends. Commits then go to SQLite at
  // once rather than to a journal first, which the first real turns compile in passing.
  const db = new DatabaseSync(":memory:");
  let agent: Agent | undefined;
  try {
    agent = await createAgent({
      model,
      host: {
        tools: new Map([[REHEARSAL_TOOL.name, REHEARSAL_TOOL]]),
        context: options.host.context,
        permissions: ALLOW,
      },
      db,
      branch: null,
    });
    const turns = options.turns ?? WARM_UP_TURNS;
    let failed = false;
    while (done < turns && !failed) {
      // Anything real that is waiting goes first.
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (options.signal?.aborted) break;
      for await (const event of agent.run(`Rehearsal ${done + 1}: read the next part.`)) {
        if (event.type === "error") failed = true;
      }
      if (!failed) done++;
    }
  } catch {
    // Only time is lost.
  } finally {
    try {
      if (agent?.sessionId) agent.store.release(agent.sessionId);
      agent?.store.close();
    } catch {
      // The database goes anyway.
    }
    db.close();
  }
  return done;
}

/** Lines like a source file's, as a file read returns them. */
const READ_TEXT = Array.from(
  { length: 40 },
  (_, i) =>
    `${String(i + 1).padStart(4)}\texport function f${i}(x: number): number { return x * ${i}; }`,
).join("\n");

/** The rehearsal's one tool: it reads nothing and answers like a file read. */
const REHEARSAL_TOOL: Tool = {
  name: "rehearsal_read",
  description: "Answers like a file read, from memory.",
  input: z.object({ path: z.string().optional() }),
  annotations: {
    title: "Rehearsal read",
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  },
  permission: () => ({ kind: "read", tool: "rehearsal_read", paths: [] }),
  run: () => Promise.resolve({ text: READ_TEXT }),
};

const ALLOW: PermissionEngine = {
  decide: () =>
    Promise.resolve({
      action: "allow",
      rule: "rehearsal",
      source: "default",
      reason: "a rehearsal",
    }),
  grantForSession: () => {},
  explain: () => "a rehearsal: every call is allowed",
  isReadDenied: () => false,
};
