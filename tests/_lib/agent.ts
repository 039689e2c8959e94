// An agent on a temp git project, talking to the fake provider through the real SDKs.
import type { Agent, AgentEvent, AgentOptions } from "../../src/agent/mod.ts";
import { createAgent, openAgentDatabase } from "../../src/agent/mod.ts";
import type { DeepPartial, LoomConfig } from "../../src/config/mod.ts";
import type { LanguageModel } from "../../src/core/mod.ts";
import { createModel } from "../../src/llm/mod.ts";
import type { Asker } from "../../src/permissions/types.ts";
import type { DatabaseSync } from "../../src/store/mod.ts";
import { openToolHost } from "../../src/tools/host.ts";
import type { ToolHost } from "../../src/tools/run.ts";
import type { FakeLlm } from "./fake_llm.ts";
import { createTempProject, type TempProject } from "./project.ts";

/** A fixed clock: 2025-01-15. */
export const FIXED_CLOCK = { now: () => Date.UTC(2025, 0, 15, 12) };

/** What `openTestAgent` builds; `await using` closes the database and removes the project. */
export interface TestAgent extends AsyncDisposable {
  project: TempProject;
  agent: Agent;
  host: ToolHost;
  db: DatabaseSync;
  config: LoomConfig;
  /** Builds a model on the fake (same config and environment). */
  model(id: string): LanguageModel;
  /** Opens another agent on the same project and database (resume, continue). */
  reopen(extra?: Partial<AgentOptions>): Promise<Agent>;
}

/** Options for `openTestAgent`. */
export interface TestAgentOptions {
  files?: Record<string, string>;
  model?: string;
  weak?: string;
  config?: DeepPartial<LoomConfig>;
  ask?: Asker;
  agent?: Partial<AgentOptions>;
  project?: TempProject;
}

/** Opens a temp git project, a tool host, the database and an agent on the fake provider. */
export async function openTestAgent(
  llm: FakeLlm,
  options: TestAgentOptions = {},
): Promise<TestAgent> {
  const project = options.project ?? await createTempProject(options.files ?? {}, { git: true });
  const home = await Deno.makeTempDir({ prefix: "loom-home-" });
  const env = { ...llm.env(), LOOM_SEARCH_ENGINE: "builtin" };
  const opened = await openToolHost({
    root: project.root,
    home,
    env: { ...Deno.env.toObject(), ...env },
    flags: { sandbox: { mode: "off" }, ...options.config },
    ask: options.ask,
  });
  const config = opened.loaded.config;
  const model = (id: string) =>
    createModel(id, { env, config, retry: { maxRetries: 0, sleep: () => Promise.resolve() } });
  const db = openAgentDatabase(project.root);
  const build = (extra: Partial<AgentOptions> = {}) =>
    createAgent({
      model: model(options.model ?? "anthropic:claude-sonnet-4-6"),
      weakModel: model(options.weak ?? "anthropic:claude-haiku-4-5"),
      host: opened.host,
      db,
      clock: FIXED_CLOCK,
      os: "linux",
      ...options.agent,
      ...extra,
    });
  const agent = await build();
  return {
    project,
    agent,
    host: opened.host,
    db,
    config,
    model,
    reopen: build,
    async [Symbol.asyncDispose]() {
      db.close();
      await Deno.remove(home, { recursive: true }).catch(() => {});
      await project[Symbol.asyncDispose]();
    },
  };
}

/** Runs one turn and returns every event. */
export async function drain(events: AsyncIterable<AgentEvent>): Promise<AgentEvent[]> {
  const out: AgentEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

/** The events of one type. */
export function ofType<T extends AgentEvent["type"]>(
  events: AgentEvent[],
  type: T,
): Extract<AgentEvent, { type: T }>[] {
  return events.filter((e): e is Extract<AgentEvent, { type: T }> => e.type === type);
}

/** The annotations of a test's probe tool: read-only or not, otherwise harmless. */
export function probeAnnotations(name: string, readOnly: boolean) {
  return {
    title: name,
    readOnlyHint: readOnly,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  };
}

/** Everything the session journals of the project at `root` hold (none yet: empty). */
export function journalText(root: string): string {
  const dir = `${root}/.loom/loom.db.journal.d`;
  let names: string[];
  try {
    names = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".jsonl"));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return "";
    throw err;
  }
  return names.map((name) => Deno.readTextFileSync(`${dir}/${name}`)).join("");
}
