// Builds what the REPL and one-shot modes run on: the tool host, the models, the database,
// the agent, checkpoints for /undo, and permission questions answered inline.
import {
  type Agent,
  createAgent,
  createSubAgentRunner,
  openAgentDatabase,
  SessionStore,
  warmUp,
} from "../agent/mod.ts";
import type { LoomConfig } from "../config/schema.ts";
import type { LanguageModel, PermissionRequest } from "../core/mod.ts";
import type { Decision, PermissionEngine } from "../permissions/types.ts";
import type { DatabaseSync } from "../store/mod.ts";
import { type OpenedHost, openToolHost } from "../tools/host.ts";
import { createSubAgentTool } from "../tools/sub_agent.ts";
import { createModel } from "../llm/mod.ts";
import { createPathGuard } from "../workspace/mod.ts";
import type { Tool } from "../tools/define.ts";
import type { ToolHost } from "../tools/run.ts";
import type { PermissionReply } from "./repl/permission_prompt.ts";
import { type Checkpoints, createCheckpoints } from "./checkpoint.ts";

/** Asks a person about one call; `input` is the call's arguments. */
export type InlineAsker = (
  request: PermissionRequest,
  decision: Decision,
  input: Record<string, unknown> | undefined,
) => Promise<PermissionReply>;

/** Where and how to open the agent. The environment comes in as values. */
export interface AgentSetupOptions {
  root: string;
  home: string;
  env: Record<string, string>;
  /** `--model`: overrides `[model] default`. */
  model?: string;
  /** `--yes`: approve what the rules would ask. */
  yes?: boolean;
  session?: { resume?: string; continueLatest?: boolean };
  /** Answers permission questions inline; absent: a call that would ask is denied. */
  ask?: InlineAsker;
  /** Snapshot the whole working tree before each turn's first change, for /undo (the REPL). */
  undoTree?: boolean;
  /** Hears warnings (config problems such as unknown keys, an unknown model running on defaults). */
  onWarning?: (message: string) => void;
}

/** A session grant, as the person gave it. */
export interface Grant {
  tool: string;
  what: string;
}

/** The opened agent and what it stands on; dispose it to close the database. */
export interface AgentSetup extends Disposable {
  agent: Agent;
  host: ToolHost;
  opened: OpenedHost;
  config: LoomConfig;
  db: DatabaseSync;
  checkpoints: Checkpoints;
  /** The main model's `provider:model`. */
  modelId: string;
  /** Grants given with "allow for this session". */
  grants: Grant[];
  /** Builds a model by `provider:model` (throws CONFIG when its key is missing). */
  model(id: string): LanguageModel;
  /** A new agent on the same host and database: another model, session or a fresh one. */
  reopen(options: { modelId?: string; resume?: string }): Promise<Agent>;
  /**
   * Rehearses turns on the current model (see agent/warm_up.ts), for a front end to run while it
   * waits for the person. Resolves once over, soon after `signal` aborts.
   */
  warmUp(signal: AbortSignal): Promise<number>;
}

/** Resolves "ask" decisions through `ask`, so a denial can carry the person's reason. */
export function withInlineAsk(
  engine: PermissionEngine,
  ask: InlineAsker,
  inputOf: (tool: string) => Record<string, unknown> | undefined,
  onGrant: (grant: Grant) => void,
): PermissionEngine {
  return {
    ...engine,
    async decide(request) {
      const decision = await engine.decide(request);
      if (decision.action !== "ask") return decision;
      const reply = await ask(request, decision, inputOf(request.tool));
      if (reply.answer === "deny") {
        const why = reply.reason ? `the user said no: ${reply.reason}` : "the user said no";
        return { ...decision, action: "deny", reason: why, suggestion: undefined };
      }
      if (reply.answer === "session") {
        engine.grantForSession(request);
        onGrant({ tool: request.tool, what: grantText(request) });
      }
      return {
        ...decision,
        action: "allow",
        source: reply.answer === "session" ? "session grant" : "user (once)",
        reason: reply.answer === "session" ? "allowed for this session" : "allowed once",
      };
    },
  };
}

function grantText(request: PermissionRequest): string {
  if (request.kind === "shell") return request.command;
  if (request.kind === "git") return [request.operation, ...request.paths].join(" ");
  return request.paths.join(", ");
}

/** Opens the project, the models and the agent; throws LoomError with what to set when a key is missing. */
export async function openAgentSetup(options: AgentSetupOptions): Promise<AgentSetup> {
  const flags = {
    ...(options.yes ? { permissions: { auto_approve: true } } : {}),
    ...(options.model ? { model: { default: options.model } } : {}),
  };
  const opened = await openToolHost({
    root: options.root,
    home: options.home,
    env: options.env,
    flags,
  });
  for (const warning of opened.loaded.warnings) options.onWarning?.(warning);
  const { config, rules } = opened.loaded;
  const model = (id: string) =>
    createModel(id, { env: options.env, config, onWarning: options.onWarning });
  const modelId = config.model.default;
  const main = model(modelId);
  let current = main;
  const weakId = config.model.weak ?? modelId;
  const weak = weakId === modelId ? main : model(weakId);
  const checkpoints = createCheckpoints({ tree: options.undoTree ?? false });
  const grants: Grant[] = [];
  const tools = checkpoints.wrap(opened.host.tools) as Map<string, Tool>;
  tools.set(
    "sub_agent",
    createSubAgentTool(createSubAgentRunner({
      root: opened.host.context.guard.root,
      modelId: weakId,
      env: options.env,
      config,
      rules,
    })),
  );
  const host: ToolHost = {
    ...opened.host,
    tools,
    permissions: options.ask
      ? withInlineAsk(
        opened.host.permissions,
        options.ask,
        checkpoints.lastInput,
        (g) => grants.push(g),
      )
      : opened.host.permissions,
    ask: undefined,
  };
  const db = openAgentDatabase(opened.host.context.guard.root, { env: options.env });
  // Every agent built here, so closing applies what each journaled and removes its journal.
  const agents: Agent[] = [];
  const warned = new Set<string>();
  const build = (mainModel: LanguageModel, session?: AgentSetupOptions["session"]) =>
    createAgent({
      model: mainModel,
      weakModel: weak,
      architectModel: config.model.architect ? model(config.model.architect) : undefined,
      editorModel: config.model.editor ? model(config.model.editor) : undefined,
      host,
      db,
      config,
      rules,
      session,
    }).then((agent) => {
      agents.push(agent);
      // Once per process: the REPL builds a new agent on the same session when the model changes.
      for (const warning of agent.warnings) {
        if (warned.has(warning)) continue;
        warned.add(warning);
        options.onWarning?.(warning);
      }
      if (agent.forkedFrom) {
        options.onWarning?.(
          `session ${agent.forkedFrom} is in use by another Loom: continuing in a copy of it, ` +
            `session ${agent.sessionId}`,
        );
      }
      return agent;
    });
  let agent: Agent;
  try {
    agent = await build(main, options.session);
  } catch (err) {
    db.close();
    throw err;
  }
  const setup: AgentSetup = {
    agent,
    host,
    opened,
    config,
    db,
    checkpoints,
    modelId,
    grants,
    model,
    async reopen(next) {
      const id = next.modelId ?? setup.modelId;
      const chosen = next.modelId ? model(id) : current;
      const previous = setup.agent.sessionId;
      const built = await build(chosen, next.resume ? { resume: next.resume } : undefined);
      // Moved to another session (or a new one): the one left is free for another Loom.
      if (previous !== undefined && previous !== built.sessionId) built.store.release(previous);
      current = chosen;
      setup.modelId = id;
      setup.agent = built;
      return built;
    },
    warmUp: (signal) => warmUp({ model: current, host, signal }),
    [Symbol.dispose]() {
      try {
        for (const each of agents) each.store.close();
      } finally {
        opened.closeGraph();
        db.close();
      }
    },
  };
  return setup;
}

/** The sessions table on its own (for `loom sessions`), without a model or key. */
export async function openSessionStore(
  root: string,
  env: Record<string, string>,
): Promise<{ store: SessionStore; db: DatabaseSync }> {
  const guard = await createPathGuard(root);
  const db = openAgentDatabase(guard.root, { env });
  return { store: new SessionStore(db), db };
}
