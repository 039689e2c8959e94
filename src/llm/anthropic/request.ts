// Loom messages → an Anthropic Messages request, with prompt-cache breakpoints. Pure.
import type Anthropic from "@anthropic-ai/sdk";
import { isBlank, wellFormedValue } from "../../core/mod.ts";
import type { Message, ModelInfo, ModelRequest } from "../../core/mod.ts";
import { wireToolId } from "../tool_ids.ts";

type Block = Anthropic.ContentBlockParam;

/** A message that goes into `messages` (system ones go into `system`). */
export type SentMessage = Exclude<Message, { role: "system" }>;
const EPHEMERAL = { type: "ephemeral" } as const;

/**
 * Builds the streaming request. Cache breakpoints (at most four) go on the last system block,
 * the last tool, the last message and the user turn before it, so each call reads the prefix
 * the previous call wrote. `temperature` is not sent: this API version has no sampling parameters.
 */
export function toAnthropicRequest(
  request: ModelRequest,
  info: ModelInfo,
): Anthropic.MessageCreateParamsStreaming {
  const system: Anthropic.TextBlockParam[] = request.messages
    .filter((m): m is Extract<Message, { role: "system" }> => m.role === "system")
    .filter((m) => m.content !== "")
    .map((m) => ({ type: "text", text: m.content }));
  if (system.length > 0) system[system.length - 1].cache_control = EPHEMERAL;

  const tools: Anthropic.Tool[] = (request.tools ?? []).map((tool) => ({
    name: tool.name,
    description: tool.description,
    input_schema: tool.inputSchema as Anthropic.Tool.InputSchema,
  }));
  if (tools.length > 0) tools[tools.length - 1].cache_control = EPHEMERAL;

  const messages = toAnthropicMessages(request.messages);
  markCacheBreakpoints(messages);
  // Lone surrogates become U+FFFD (see wellFormed): the encoder does the same to its JSON.
  return wellFormedValue({
    model: info.model,
    max_tokens: request.maxTokens ?? Math.min(info.maxOutput, 8192),
    stream: true,
    ...(system.length > 0 ? { system } : {}),
    ...(tools.length > 0 ? { tools } : {}),
    messages,
  });
}

/** Converts the non-system messages, merging neighbours of the same role as the API wants. */
export function toAnthropicMessages(messages: Message[]): Anthropic.MessageParam[] {
  const out: { role: "user" | "assistant"; content: Block[] }[] = [];
  for (const message of messages) {
    if (message.role === "system") continue;
    const role = message.role === "assistant" ? "assistant" : "user";
    const blocks = toBlocks(message);
    if (blocks.length === 0) continue;
    const last = out[out.length - 1];
    if (last?.role === role) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  }
  return out;
}

/**
 * The blocks of one message. The API refuses a text block that is empty or only white space
 * ("text content blocks must contain non-whitespace text"), and a session holding one would be
 * refused on every later call: such a block (a reply of "\n\n" before a tool call) is left out.
 */
function toBlocks(message: SentMessage): Block[] {
  if (typeof message.content === "string") {
    return isBlank(message.content) ? [] : [{ type: "text", text: message.content }];
  }
  const blocks: Block[] = [];
  for (const part of message.content) {
    switch (part.type) {
      case "text":
        if (!isBlank(part.text)) blocks.push({ type: "text", text: part.text });
        break;
      case "image":
        blocks.push({
          type: "image",
          source: {
            type: "base64",
            media_type: part.mediaType as Anthropic.Base64ImageSource["media_type"],
            data: part.data,
          },
        });
        break;
      case "tool_use":
        blocks.push({
          type: "tool_use",
          id: wireToolId(part.id, "anthropic"),
          name: part.name,
          input: part.input ?? {},
        });
        break;
      case "tool_result":
        blocks.push({
          type: "tool_result",
          tool_use_id: wireToolId(part.toolUseId, "anthropic"),
          content: part.content,
          ...(part.isError ? { is_error: true } : {}),
        });
        break;
    }
  }
  return blocks;
}

/**
 * The JSON of the content blocks a message sends, each exactly as `JSON.stringify` writes the
 * block `toBlocks` makes of it (the encoder tests hold the two together), written directly rather
 * than through block objects: the encoder runs this for each new message, on each call.
 */
export function blockTexts(message: SentMessage): string[] {
  if (typeof message.content === "string") {
    return isBlank(message.content)
      ? []
      : [`{"type":"text","text":${JSON.stringify(message.content)}}`];
  }
  const blocks: string[] = [];
  for (const part of message.content) {
    switch (part.type) {
      case "text":
        if (!isBlank(part.text)) blocks.push(`{"type":"text","text":${JSON.stringify(part.text)}}`);
        break;
      case "tool_result":
        blocks.push(
          `{"type":"tool_result","tool_use_id":${
            JSON.stringify(wireToolId(part.toolUseId, "anthropic"))
          },"content":${JSON.stringify(part.content)}${part.isError ? ',"is_error":true' : ""}}`,
        );
        break;
      case "tool_use":
        blocks.push(
          `{"type":"tool_use","id":${JSON.stringify(wireToolId(part.id, "anthropic"))},"name":${
            JSON.stringify(part.name)
          },"input":${JSON.stringify(part.input ?? {})}}`,
        );
        break;
      default:
        // Images: through the block itself.
        for (
          const group of toAnthropicMessages([
            { role: message.role, content: [part] } as SentMessage,
          ])
        ) {
          for (const block of group.content as unknown[]) blocks.push(JSON.stringify(block));
        }
    }
  }
  return blocks;
}

function markCacheBreakpoints(messages: Anthropic.MessageParam[]): void {
  const last = messages.length - 1;
  if (last < 0) return;
  mark(messages[last]);
  for (let i = last - 1; i >= 0; i--) {
    if (messages[i].role === "user") {
      mark(messages[i]);
      return;
    }
  }
}

function mark(message: Anthropic.MessageParam): void {
  const blocks = message.content as Block[];
  const block = blocks[blocks.length - 1] as { cache_control?: unknown };
  block.cache_control = EPHEMERAL;
}
