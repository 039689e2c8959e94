export { isLoomError, LoomError } from "./errors.ts";
export type { ErrorCode } from "./errors.ts";
export type {
  PermissionRequest,
  ProgressUpdate,
  ToolAnnotations,
  ToolResult,
  ToolSpec,
} from "./tool.ts";
export { refuseSpecialFile, specialKind } from "./files.ts";
export { capOutput, cutText, cutTextEnd, isBlank, truncateLines } from "./truncate.ts";
export { wellFormed, wellFormedJson, wellFormedValue } from "./well_formed.ts";
export type { CappedOutput } from "./truncate.ts";
export { toPosix } from "./paths.ts";
export type { Clock, ProcessRunner, RunOptions, RunResult } from "./ports.ts";
export { estimateTokens } from "./tokens.ts";
export { finishBeforeExit, settlePending } from "./pending.ts";
export type {
  FinishReason,
  ImagePart,
  LanguageModel,
  Message,
  ModelCapabilities,
  ModelInfo,
  ModelPrices,
  ModelRequest,
  PushableParts,
  StreamPart,
  TextPart,
  ToolDefinition,
  ToolResultPart,
  ToolUsePart,
  Usage,
} from "./model.ts";
export { pushParts } from "./model.ts";
