// Loom messages → an Anthropic Messages request, with prompt-cache breakpoints. Pure.
import type Anthropic from "@anthropic-ai/sdk";
import { isBlank, wellFormedValue } from "../../core/mod.ts";
import type { Message, ModelInfo, ModelRequest, ToolUsePart } from "../../core/mod.ts";
import { wireToolId } from "../tool_ids.ts";
import type { ThinkingBlock, ThinkingFields } from "./events.ts";

type Block = Anthropic.ContentBlockParam;

/** A message that goes into `messages` (system ones go into `system`). */
export type SentMessage = Exclude<Message, { role: "system" }>;
const EPHEMERAL = { type: "ephemeral" } as const;

/**
 * Builds the streaming request. Cache breakpoints (at most four) go on the last system block,
 * the last tool, the last message and the user turn before it, so each call reads the prefix
 * the previous call wrote. `temperature` is not sent: this API version has no sampling parameters.
 * `origin` is the server's base URL: thinking blocks it sent go back to it (see thinkingFor).
 */
export function toAnthropicRequest(
  request: ModelRequest,
  info: ModelInfo,
  origin?: string,
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

  const messages = toAnthropicMessages(request.messages, origin);
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
export function toAnthropicMessages(
  messages: Message[],
  origin?: string,
): Anthropic.MessageParam[] {
  const out: { role: "user" | "assistant"; content: Block[] }[] = [];
  for (const message of messages) {
    if (message.role === "system") continue;
    const role = message.role === "assistant" ? "assistant" : "user";
    const blocks = toBlocks(message, origin);
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
function toBlocks(message: SentMessage, origin: string | undefined): Block[] {
  if (typeof message.content === "string") {
    return isBlank(message.content) ? [] : [{ type: "text", text: message.content }];
  }
  const blocks: Block[] = [];
  const first = firstCall(message);
  if (first) blocks.push(...thinkingFor(first, origin) as Block[]);
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
        if (part !== first) blocks.push(...thinkingFor(part, origin) as Block[]);
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
export function blockTexts(message: SentMessage, origin?: string): string[] {
  if (typeof message.content === "string") {
    return isBlank(message.content)
      ? []
      : [`{"type":"text","text":${JSON.stringify(message.content)}}`];
  }
  const blocks: string[] = [];
  const first = firstCall(message);
  if (first) { for (const block of thinkingFor(first, origin)) blocks.push(JSON.stringify(block)); }
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
        if (part !== first) {
          for (const block of thinkingFor(part, origin)) blocks.push(JSON.stringify(block));
        }
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

/** An assistant message's first tool call: the thinking before it opens the message. */
function firstCall(message: SentMessage): ToolUsePart | undefined {
  if (message.role !== "assistant" || typeof message.content === "string") return undefined;
  for (const part of message.content) if (part.type === "tool_use") return part;
  return undefined;
}

/**
 * The thinking blocks that came before a tool call (see ThinkingFields), when the request goes
 * to the server that sent them: a server in thinking mode refuses a call's message without them
 * ("content[].thinking ... must be passed back"), and any other refuses blocks it did not sign.
 * Only the fields the API knows are sent, whatever the session's record holds.
 */
function thinkingFor(part: ToolUsePart, origin: string | undefined): ThinkingBlock[] {
  const fields = part.providerFields as Partial<ThinkingFields> | undefined;
  if (!fields || !Array.isArray(fields.thinking) || fields.thinking_origin !== origin) return [];
  const blocks: ThinkingBlock[] = [];
  for (const block of fields.thinking as unknown[]) {
    const b = block as Record<string, unknown> | null;
    if (b?.type === "thinking" && typeof b.thinking === "string") {
      blocks.push({
        type: "thinking",
        thinking: b.thinking,
        ...(typeof b.signature === "string" ? { signature: b.signature } : {}),
      });
    } else if (b?.type === "redacted_thinking" && typeof b.data === "string") {
      blocks.push({ type: "redacted_thinking", data: b.data });
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
