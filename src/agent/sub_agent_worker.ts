// The sub-agent's Worker: a read-only loop on the weak model. Its Deno permissions can only
// read the project and reach the model's host; Loom's tools and rules apply on top.
/// <reference lib="deno.worker" />
import { LoomError } from "../core/mod.ts";
import type { Message, ProcessRunner, Usage } from "../core/mod.ts";
import { addUsage, createModel } from "../llm/mod.ts";
import { createPermissionEngine } from "../permissions/mod.ts";
import { toolInputSchema } from "../tools/schema.ts";
import { createToolRegistry } from "../tools/registry.ts";
import type { ToolHost } from "../tools/run.ts";
import { createPathGuard, ReadLedger } from "../workspace/mod.ts";
import { runLoop } from "./loop.ts";
import type { SubAgentInit, SubAgentMessage } from "./sub_agent_protocol.ts";
import { renderSystemPrompt } from "./system_prompt.ts";

const INSTRUCTIONS = `You are a read-only research sub-agent of Loom, an AI coding assistant.
Another agent gave you one task. Investigate it with the read-only tools (several calls in one
step run in parallel), then answer with a concise report: what you found, with file paths and
line numbers, and what you could not determine. You cannot change files or run commands.`;

/** Child processes are outside a read-only sub-agent's reach. */
const NO_PROCESSES: ProcessRunner = {
  sandboxMode: "off",
  run: () => {
    throw new LoomError("DENIED", "Cannot start a process: a sub-agent only reads");
  },
};

/**
 * The Worker may read no variable (env: false); the SDKs still look some up as they start. They
 * see `process.env` as exactly what the parent sent: the model's key and base URL.
 */
function isolateEnvironment(env: Record<string, string>): void {
  const node = (globalThis as { process?: object }).process;
  if (node) Object.defineProperty(node, "env", { value: { ...env }, configurable: true });
}

self.onmessage = async (event: MessageEvent<SubAgentInit>) => {
  const init = event.data;
  let usage: Usage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
  const post = (message: SubAgentMessage) => self.postMessage(message);
  try {
    const guard = await createPathGuard(init.root);
    const permissions = createPermissionEngine({
      permissions: { ...init.config.permissions, auto_approve: false },
      rules: init.rules,
      root: guard.root,
    });
    const all = createToolRegistry({ rgPath: null });
    const host: ToolHost = {
      tools: new Map(init.tools.flatMap((name) => {
        const tool = all.get(name);
        return tool ? [[name, tool] as const] : [];
      })),
      permissions,
      context: {
        guard,
        ledger: new ReadLedger(),
        runner: NO_PROCESSES,
        config: init.config,
        rules: init.rules,
        trusted: false,
        signal: new AbortController().signal,
        isReadDenied: (rel) => permissions.isReadDenied(rel),
      },
    };
    isolateEnvironment(init.env);
    const model = createModel(init.modelId, { env: init.env, config: init.config });
    const messages: Message[] = [{ role: "user", content: init.task }];
    const result = await runLoop({
      model,
      role: "main",
      host,
      tools: [...host.tools.values()].map((tool) => ({
        name: tool.name,
        description: tool.description,
        inputSchema: toolInputSchema(tool),
      })),
      system: renderSystemPrompt({
        instructions: INSTRUCTIONS,
        project: init.rules.instructions,
        decisionContext: "",
        repoMap: "",
        environment: { now: init.now, os: init.os, cwd: guard.root, branch: null },
      }),
      history: { messages: () => messages, append: (m) => void messages.push(m) },
      maxSteps: init.maxSteps,
      maxTokens: init.maxTokens,
      signal: new AbortController().signal,
      emit: (e) => {
        if (e.type === "tool-start") post({ type: "tool", name: e.name, step: messages.length });
      },
      onUsage: (u) => (usage = addUsage(usage, u)),
    });
    post({
      type: "done",
      text: result.text,
      steps: result.steps,
      stopped: result.reason,
      usage,
      error: result.error?.message,
    });
  } catch (err) {
    post({
      type: "done",
      text: "",
      steps: 0,
      stopped: "error",
      usage,
      error: err instanceof Error ? err.message : String(err),
    });
  }
};
