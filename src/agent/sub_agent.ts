// Sub-agents: each runs in its own Worker that can only read the project and reach its model.
import { LoomError } from "../core/mod.ts";
import type { Clock, ModelInfo, Usage } from "../core/mod.ts";
import type { LoomConfig } from "../config/schema.ts";
import type { ProjectRules } from "../config/rules_types.ts";
import { costOf, lookupModel, parseModelId, resolveProvider } from "../llm/mod.ts";
import type { SubAgentReport, SubAgentRunner } from "../tools/sub_agent.ts";
import type { SubAgentInit, SubAgentMessage } from "./sub_agent_protocol.ts";

/** The read-only tools a sub-agent gets. */
export const SUB_AGENT_TOOLS: readonly string[] = [
  "file_read",
  "file_search",
  "content_search",
  "directory_list",
];

/** What sub-agents are built from. */
export interface SubAgentRunnerOptions {
  root: string;
  /** The weak model, `provider:model`. */
  modelId: string;
  env: Record<string, string | undefined>;
  config: LoomConfig;
  rules: ProjectRules;
  clock?: Clock;
  os?: string;
  /** Default model calls per sub-agent (12). */
  maxSteps?: number;
  /** Tokens (all calls, cached ones included) before it must stop (default 400,000). */
  maxTokens?: number;
  /** Hears each sub-agent's total usage, for the cost ledger. */
  onUsage?: (usage: Usage, info: ModelInfo) => void;
}

/** A runner for the `sub_agent` tool: one Worker per call, so several run in parallel. */
export function createSubAgentRunner(options: SubAgentRunnerOptions): SubAgentRunner {
  const { env, host } = subAgentEnv(options.modelId, options.env, options.config);
  const info = lookupModel(options.modelId, options.config.models);
  return async (task, runOptions) => {
    const done = await startSubAgentWorker({
      type: "start",
      root: options.root,
      task,
      modelId: options.modelId,
      env,
      config: options.config,
      rules: options.rules,
      tools: [...SUB_AGENT_TOOLS],
      maxSteps: runOptions.maxSteps ?? options.maxSteps ?? 12,
      maxTokens: options.maxTokens ?? 400_000,
      now: (options.clock ?? { now: () => Date.now() }).now(),
      os: options.os ?? Deno.build.os,
    }, {
      net: [host],
      signal: runOptions.signal,
      onMessage: (message) => {
        if (message.type !== "tool") return;
        runOptions.onProgress?.({ progress: message.step, message: `sub-agent: ${message.name}` });
      },
    });
    options.onUsage?.(done.usage, info);
    const spent = { model: info.id, usage: done.usage, costUsd: costOf(done.usage, info) };
    if (done.stopped === "error") {
      throw new LoomError(
        "PROVIDER",
        `Cannot finish the sub-agent's task: ${
          done.error ?? "it failed"
        }; try again or do it yourself`,
      );
    }
    const report: SubAgentReport = {
      text: done.text,
      steps: done.steps,
      stopped: done.stopped,
      spent,
    };
    return report;
  };
}

/**
 * The only variables a sub-agent's Worker is handed: its model's key and base URL, under the
 * names its provider reads (no other provider's key, nothing else), and the host it may reach.
 */
export function subAgentEnv(
  modelId: string,
  env: Record<string, string | undefined>,
  config: Pick<LoomConfig, "providers">,
): { env: Record<string, string>; host: string } {
  const { provider } = parseModelId(modelId);
  const resolved = resolveProvider(modelId, provider, env, config.providers);
  const out: Record<string, string> = {};
  if (resolved.spec.apiKeyEnv && resolved.apiKey) out[resolved.spec.apiKeyEnv] = resolved.apiKey;
  if (resolved.spec.authTokenEnv && resolved.authToken) {
    out[resolved.spec.authTokenEnv] = resolved.authToken;
  }
  if (resolved.spec.baseURLEnv) out[resolved.spec.baseURLEnv] = resolved.baseURL;
  return { env: out, host: new URL(resolved.baseURL).host };
}

/** The Deno permissions of a sub-agent Worker: read the project, reach `net`, nothing else. */
export function subAgentPermissions(root: string, net: string[]): Deno.PermissionOptionsObject {
  return {
    read: [root],
    write: false,
    run: false,
    ffi: false,
    sys: false,
    import: false,
    net,
    // The SDKs read their variables from an environment the Worker builds from what it is sent.
    env: false,
  };
}

/**
 * Starts one sub-agent Worker with read-only Deno permissions (read: the project; write, run,
 * ffi, env: none; net: `net` only) and resolves with its final message. Aborting terminates it.
 */
export function startSubAgentWorker(
  init: SubAgentInit,
  options: {
    net: string[];
    signal?: AbortSignal;
    onMessage?: (message: SubAgentMessage) => void;
  },
): Promise<Extract<SubAgentMessage, { type: "done" }>> {
  if (options.signal?.aborted) {
    return Promise.reject(new LoomError("CANCELLED", "Cannot run the sub-agent: cancelled"));
  }
  const worker = new Worker(new URL("./sub_agent_worker.ts", import.meta.url), {
    type: "module",
    deno: { permissions: subAgentPermissions(init.root, options.net) },
  } as WorkerOptions);
  return new Promise((resolve, reject) => {
    const finish = () => {
      options.signal?.removeEventListener("abort", onAbort);
      worker.terminate();
    };
    const onAbort = () => {
      finish();
      reject(new LoomError("CANCELLED", "Cannot finish the sub-agent's task: cancelled"));
    };
    options.signal?.addEventListener("abort", onAbort, { once: true });
    worker.onmessage = (event: MessageEvent<SubAgentMessage>) => {
      options.onMessage?.(event.data);
      if (event.data.type !== "done") return;
      finish();
      resolve(event.data);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      finish();
      reject(
        new LoomError("UNAVAILABLE", `Cannot run the sub-agent: ${event.message}`),
      );
    };
    worker.postMessage(init);
  });
}
