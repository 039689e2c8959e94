import { LoomError } from "../core/mod.ts";

/** A `provider:model` string split in two. */
export interface ModelId {
  provider: string;
  model: string;
}

/**
 * Splits `provider:model` at the first colon (model names may hold more, as Ollama's do).
 *
 * @example parseModelId("ollama:qwen3:8b") // { provider: "ollama", model: "qwen3:8b" }
 */
export function parseModelId(text: string): ModelId {
  const at = text.indexOf(":");
  const provider = at > 0 ? text.slice(0, at).trim().toLowerCase() : "";
  const model = at > 0 ? text.slice(at + 1).trim() : "";
  if (!provider || !model) {
    throw new LoomError(
      "USAGE",
      `Cannot use model "${text}": expected provider:model; write e.g. anthropic:claude-sonnet-4-5 or openai:gpt-5`,
    );
  }
  return { provider, model };
}
