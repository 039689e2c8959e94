// Loom messages → an OpenAI Chat Completions request. Pure.
import type OpenAI from "openai";
import { wellFormed, wellFormedJson, wellFormedValue } from "../../core/mod.ts";
import type { Message, ModelInfo, ModelRequest, ToolDefinition } from "../../core/mod.ts";
import { type ToolIdRule, wireToolId } from "../tool_ids.ts";

type Param = OpenAI.ChatCompletionMessageParam;

/** Request quirks of one OpenAI-compatible server. */
export interface OpenAIQuirks {
  maxTokensField?: "max_tokens" | "max_completion_tokens";
  /** False: leave out `stream_options` (the server refuses it and sends usage unasked). */
  streamOptions?: boolean;
  /** Send back the fields the server attached to its tool calls (Gemini's thought signatures). */
  echoCallFields?: boolean;
  /**
   * Send back each assistant message's `reasoning_content` (DeepSeek's thinking mode refuses a
   * request whose assistant messages lack it while tools are being called).
   */
  echoReasoning?: boolean;
  /**
   * Send back each assistant message's `reasoning_details` as they came (OpenRouter: Gemini's
   * thought signatures travel in them, and Gemini refuses a tool call of this turn without one).
   */
  echoReasoningDetails?: boolean;
  /** The server's rules for tool call ids (Mistral's are stricter than OpenAI's). */
  toolIds?: Extract<ToolIdRule, "openai" | "mistral">;
}

/** Builds the streaming request; usage is asked for in the last chunk. */
export function toOpenAIRequest(
  request: ModelRequest,
  info: ModelInfo,
  quirks: OpenAIQuirks = {},
): OpenAI.ChatCompletionCreateParamsStreaming {
  const tools = (request.tools ?? []).map(toolParam);
  const maxTokens = request.maxTokens ?? Math.min(info.maxOutput, 8192);
  return {
    model: info.model,
    stream: true,
    ...(quirks.streamOptions === false ? {} : { stream_options: { include_usage: true } }),
    messages: toOpenAIMessages(request.messages, {
      ...quirks,
      // Only a model in thinking mode wants it: deepseek-chat is sent what it was before.
      echoReasoning: quirks.echoReasoning === true &&
        (info.reasoning || request.messages.some(hasReasoning)),
    }),
    [quirks.maxTokensField ?? "max_tokens"]: maxTokens,
    ...(tools.length > 0 ? { tools } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
  };
}

/** Each tool's request form, made once: a definition never changes once sent. */
const toolParams = new WeakMap<ToolDefinition, OpenAI.ChatCompletionTool>();

function toolParam(tool: ToolDefinition): OpenAI.ChatCompletionTool {
  let param = toolParams.get(tool);
  if (param === undefined) {
    param = wellFormedValue({
      type: "function",
      function: { name: tool.name, description: tool.description, parameters: tool.inputSchema },
    });
    toolParams.set(tool, param);
  }
  return param;
}

/** True for an assistant message that came with reasoning to send back. */
function hasReasoning(message: Message): boolean {
  return message.role === "assistant" && typeof message.content !== "string" &&
    message.content.some((p) =>
      p.type === "tool_use" && typeof p.providerFields?.reasoning_content === "string"
    );
}

/**
 * Converts messages; one `tool` message per tool result, as the API wants, and tool call ids
 * under the server's rules.
 */
export function toOpenAIMessages(messages: Message[], quirks: OpenAIQuirks = {}): Param[] {
  const ids: ToolIdRule = quirks.toolIds ?? "openai";
  // Only to the server family that sent them: another would refuse fields it does not know.
  const reasoningOf = (content: Message["content"]) => {
    if (!quirks.echoReasoning) return {};
    const found = typeof content === "string"
      ? undefined
      : content.find((p) =>
        p.type === "tool_use" && typeof p.providerFields?.reasoning_content === "string"
      );
    const text = found?.type === "tool_use" ? found.providerFields!.reasoning_content : "";
    return { reasoning_content: wellFormed(text as string) };
  };
  const detailsOf = (content: Message["content"]) => {
    if (!quirks.echoReasoningDetails || typeof content === "string") return {};
    for (const p of content) {
      const details = p.type === "tool_use" ? p.providerFields?.reasoning_details : undefined;
      if (Array.isArray(details)) return { reasoning_details: wellFormedValue(details) };
    }
    return {};
  };
  const out: Param[] = [];
  for (const message of messages) {
    switch (message.role) {
      case "system":
        out.push({ role: "system", content: wellFormed(message.content) });
        break;
      case "user":
        out.push({
          role: "user",
          content: typeof message.content === "string"
            ? wellFormed(message.content)
            : message.content.map((part): OpenAI.ChatCompletionContentPart =>
              part.type === "text" ? { type: "text", text: wellFormed(part.text) } : {
                type: "image_url",
                image_url: { url: `data:${part.mediaType};base64,${part.data}` },
              }
            ),
        });
        break;
      case "assistant": {
        if (typeof message.content === "string") {
          out.push({
            role: "assistant",
            content: wellFormed(message.content),
            ...reasoningOf(message.content),
          });
          break;
        }
        const text = wellFormed(
          message.content.flatMap((p) => p.type === "text" ? [p.text] : []).join(""),
        );
        const calls = message.content.flatMap((p) =>
          p.type === "tool_use"
            ? [{
              id: wireToolId(p.id, ids),
              type: "function" as const,
              function: { name: p.name, arguments: wellFormedJson(JSON.stringify(p.input ?? {})) },
              ...(quirks.echoCallFields && p.providerFields?.extra_content !== undefined
                ? { extra_content: p.providerFields.extra_content }
                : {}),
            }]
            : []
        );
        out.push({
          role: "assistant",
          content: text === "" && calls.length > 0 ? null : text,
          ...(calls.length > 0 ? { tool_calls: calls } : {}),
          ...reasoningOf(message.content),
          ...detailsOf(message.content),
        });
        break;
      }
      case "tool":
        for (const result of message.content) {
          out.push({
            role: "tool",
            tool_call_id: wireToolId(result.toolUseId, ids),
            content: wellFormed(result.content),
          });
        }
        break;
    }
  }
  return out;
}
