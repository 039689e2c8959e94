// The agent: one session at a time, driven by `run`, which streams typed events.
import { isBlank, LoomError } from "../core/mod.ts";
import type { Clock, LanguageModel, Message, ToolDefinition, Usage } from "../core/mod.ts";
import type { LoomConfig } from "../config/schema.ts";
import type { ProjectRules } from "../config/rules_types.ts";
import {
  buildDecisionContext,
  DecisionGraph,
  GRAPH_MIGRATIONS,
  readGitProvenance,
} from "../graph/mod.ts";
import { costOf, countTokens } from "../llm/mod.ts";
import { runMigrations } from "../store/mod.ts";
import type { DatabaseSync } from "../store/mod.ts";
import { toolInputSchema } from "../tools/schema.ts";
import type { ToolHost } from "../tools/run.ts";
import { runArchitectEditor } from "./architect.ts";
import { compactConversation, type CompactionResult } from "./compact_run.ts";
import { type ChargeUsage, loopHooks } from "./agent_hooks.ts";
import { computeBudget, type ContextBudget, toolTokens } from "./context.ts";
import type { AgentEvent, UsageRole } from "./events.ts";
import { Conversation } from "./history.ts";
import { type LoopResult, runLoop } from "./loop.ts";
import { danglingResults } from "./resume.ts";
import { SESSION_MIGRATIONS } from "./session_schema.ts";
import { type SessionCosts, type SessionInfo, SessionStore } from "./session_store.ts";
import { renderSystemPrompt } from "./system_prompt.ts";
import { generateTitle } from "./titles.ts";
import { streamTurn } from "./turn_stream.ts";

/** What an agent is built from; everything outside comes in here. */
export interface AgentOptions {
  model: LanguageModel;
  /** Summaries, titles and sub-agents (defaults to `model`). */
  weakModel?: LanguageModel;
  /** Architect/editor mode: the planner and the one who edits (default `model` for both). */
  architectModel?: LanguageModel;
  editorModel?: LanguageModel;
  host: ToolHost;
  /** The project database (sessions and graph migrations are applied to it). */
  db: DatabaseSync;
  config?: LoomConfig;
  rules?: ProjectRules;
  clock?: Clock;
  /** The OS named in the environment facts. */
  os?: string;
  /** The git branch; read through the host's runner when undefined. */
  branch?: string | null;
  graph?: DecisionGraph;
  /** The repo-map slot of the system prompt (empty until the repo map exists). */
  repoMap?: () => string;
  /** Resume a session by id (or prefix), or continue the latest one. */
  session?: { resume?: string; continueLatest?: boolean };
  /** Model calls per run before it stops (default 50). */
  maxSteps?: number;
  newId?: () => string;
}

/** Options for one run. */
export interface RunOptions {
  signal?: AbortSignal;
  /** `architect`: the architect model plans, then the editor model carries the plan out. */
  mode?: "normal" | "architect";
}

/** A running agent bound to one session. */
export interface Agent {
  /** The session id; undefined until the first run of a new session. */
  readonly sessionId: string | undefined;
  /**
   * The session asked for when another Loom was using it: this agent then goes on in a fork of
   * it (`sessionId`), and the front end should say so.
   */
  readonly forkedFrom: string | undefined;
  /** What the front end should tell the person about the session it resumed (damage left out). */
  readonly warnings: readonly string[];
  readonly store: SessionStore;
  readonly graph: DecisionGraph;
  readonly budget: ContextBudget;
  /** Runs one user turn to its end, streaming events. Only one run at a time. */
  run(input: string, options?: RunOptions): AsyncIterable<AgentEvent>;
  /** Compacts the older part of the conversation now (`/compact`). */
  compact(options?: { signal?: AbortSignal }): Promise<CompactionResult | null>;
  /** The live conversation, without the system prompt. */
  messages(): readonly Message[];
  systemPrompt(): string;
  costs(): SessionCosts | undefined;
  session(): SessionInfo | undefined;
}

/** Builds an agent on a tool host and a database, resuming a session when asked. */
export async function createAgent(options: AgentOptions): Promise<Agent> {
  const { host, db } = options;
  runMigrations(db, [GRAPH_MIGRATIONS, SESSION_MIGRATIONS]);
  const clock = options.clock ?? { now: () => Date.now() };
  const config = options.config ?? host.context.config;
  const rules = options.rules ?? host.context.rules;
  const store = new SessionStore(db, { clock, newId: options.newId, writeBehind: true });
  const root = host.context.guard.root;
  const git = options.branch === undefined
    ? await readGitProvenance(host.context.runner, root)
    : { branch: options.branch, commit: null };
  let session: SessionInfo | undefined = options.session?.resume
    ? store.get(options.session.resume)
    : options.session?.continueLatest
    ? store.latest()
    : undefined;
  // A session another Loom is using goes on in a copy: two writers would interleave two
  // conversations in one (see session_lease.ts).
  let forkedFrom: string | undefined;
  if (session && !store.lease(session.id)) {
    forkedFrom = session.id;
    session = store.fork(session.id);
    store.lease(session.id);
  }
  const graph = options.graph ?? new DecisionGraph(db, {
    clock,
    provenance: () => ({ branch: git.branch, commit: git.commit, sessionId: session?.id }),
  });
  const tools: ToolDefinition[] = [...host.tools.values()].map((tool) => ({
    name: tool.name,
    description: tool.description,
    inputSchema: toolInputSchema(tool),
  }));
  const weak = options.weakModel ?? options.model;
  const environment = {
    now: clock.now(),
    os: options.os ?? Deno.build.os,
    cwd: root,
    branch: git.branch ?? null,
  };
  const render = (decisionContext: string, repoMap: string) =>
    renderSystemPrompt({ project: rules.instructions, decisionContext, repoMap, environment });
  const buildSystem = () =>
    render(
      buildDecisionContext(graph, {
        budgetTokens: config.context.max_decision_context_tokens,
        // The agent's budgets are all real tokens (the block's default counts characters/4).
        countTokens,
      }).text,
      options.repoMap?.() ?? "",
    );
  const budget = computeBudget({
    info: options.model.info,
    context: config.context,
    systemTokens: countTokens(render("", "")),
    toolTokens: toolTokens(tools),
  });

  let system = buildSystem();
  let sessionCost = 0;
  let conversation: Conversation;
  const record = (message: Message) => store.append(ensureSession().id, message, currentRole);
  let currentRole: "main" | "architect" | "editor" = "main";
  const warnings: string[] = [];
  if (session) {
    store.setSystemPrompt(session.id, system);
    const { messages: live, damaged } = store.liveChecked(session.id);
    if (damaged.length > 0) {
      warnings.push(
        `session ${session.id}: ${damaged.length} stored message${
          damaged.length === 1 ? "" : "s"
        } could not be read (#${damaged.join(", #")}) and ${
          damaged.length === 1 ? "was" : "were"
        } left out, with the tool calls and results they leave unpaired; the rest goes on`,
      );
    }
    conversation = new Conversation(live, record, store.toolCallIds(session.id));
    const repair = danglingResults(store, session.id, live);
    if (repair) conversation.append(repair);
    sessionCost = store.costs(session.id).total.costUsd;
  } else conversation = new Conversation([], record);
  store.flush();

  function ensureSession(): SessionInfo {
    if (session === undefined) {
      session = store.create({ model: options.model.info.id, systemPrompt: system });
      store.lease(session.id);
    }
    return session;
  }

  let emit: (event: AgentEvent) => void = () => {};
  let running = false;
  const askingHost: ToolHost = {
    ...host,
    ask: host.ask
      ? async (request, decision) => {
        store.checkpoint();
        emit({ type: "permission-ask", request, decision });
        const answer = await host.ask!(request, decision);
        emit({ type: "permission-answer", request, answer });
        return answer;
      }
      : undefined,
  };

  const charge: ChargeUsage = (usage, role, model, step) => {
    sessionCost += model.costUsd;
    const costUsd = model.costUsd;
    store.recordUsage(ensureSession().id, { step, role, model: model.id, usage, costUsd });
    emit({ type: "usage", role, model: model.id, usage, costUsd, sessionCostUsd: sessionCost });
  };
  const chargeModel = (usage: Usage, role: UsageRole, model: LanguageModel, step: number) =>
    charge(usage, role, { id: model.info.id, costUsd: costOf(usage, model.info) }, step);

  // On demand (`/compact`) everything but the last message goes.
  const compact = async (signal?: AbortSignal, keepTokens = 0) => {
    store.flush();
    const result = await compactConversation({
      conversation,
      store,
      graph,
      weak,
      sessionId: ensureSession().id,
      keepTokens,
      signal,
      onUsage: (usage) => chargeModel(usage, "compaction", weak, 0),
    });
    if (result) {
      system = buildSystem();
      store.setSystemPrompt(ensureSession().id, system);
      emit({ type: "compaction", ...result });
    }
    store.flush();
    return result;
  };

  const hooks = (signal: AbortSignal) =>
    loopHooks({
      host: askingHost,
      store,
      conversation,
      budget,
      sessionId: () => ensureSession().id,
      emit: (event) => emit(event),
      charge,
      costOf: (usage, model) => costOf(usage, model.info),
      compact,
    }, signal);

  async function execute(input: string, runOptions: RunOptions, signal: AbortSignal) {
    // The wait on the person is over.
    store.waited();
    // Nothing to answer, and a blank message in the session would be refused by some providers.
    if (isBlank(input)) {
      throw new LoomError("USAGE", "Cannot run the turn: the message is empty; say what to do");
    }
    const resumed = session !== undefined;
    const current = ensureSession();
    store.touch(current.id);
    emit({ type: "session", sessionId: current.id, resumed });
    const maxSteps = options.maxSteps ?? 50;
    let result: LoopResult;
    if (runOptions.mode === "architect") {
      result = await runArchitectEditor({
        base: hooks(signal),
        architect: options.architectModel ?? options.model,
        editor: options.editorModel ?? options.model,
        tools,
        readOnly: (name) => host.tools.get(name)?.annotations.readOnlyHint === true,
        system,
        maxSteps,
        input,
        setRole: (role) => (currentRole = role),
        append: (message) => conversation.append(message),
      });
      currentRole = "main";
    } else {
      conversation.append({ role: "user", content: input });
      result = await runLoop({
        ...hooks(signal),
        model: options.model,
        role: "main",
        tools,
        system,
        maxSteps,
      });
    }
    // The session was touched when the run began: `updated_at` is when it was last used, and the
    // commit that ends the run carries one statement fewer.
    // A title is a model call: its request goes first.
    const titling = current.title === null && !signal.aborted;
    store.checkpointSoon(titling);
    if (result.error) emit({ type: "error", error: result.error });
    if (titling) {
      const { title, usage } = await generateTitle(weak, input, { signal });
      store.waited();
      if (usage) chargeModel(usage, "title", weak, 0);
      store.setTitle(current.id, title);
      session = store.get(current.id);
      emit({ type: "title", title });
    }
    emit({ type: "final", text: result.text, reason: result.reason, steps: result.steps });
  }

  return {
    get sessionId() {
      return session?.id;
    },
    forkedFrom,
    warnings,
    store,
    graph,
    budget,
    run(input, runOptions = {}) {
      if (running) throw new Error("an agent runs one turn at a time");
      running = true;
      return streamTurn(
        (signal, send) => {
          emit = send;
          return execute(input, runOptions, signal);
        },
        runOptions.signal,
        () => {
          store.checkpointSoon(false);
          running = false;
          emit = () => {};
        },
      );
    },
    compact: (compactOptions = {}) => compact(compactOptions.signal),
    messages: () => conversation.messages(),
    systemPrompt: () => system,
    costs: () => (session ? store.costs(session.id) : undefined),
    session: () => session,
  };
}
