// The REPL's terminal pieces: keys, the line editor, history, slash commands, permission prompt.
export { createKeyDecoder } from "./keys.ts";
export type { Key, KeyDecoder, KeyName } from "./keys.ts";
export { createEditorState, reduceEditor } from "./editor.ts";
export type { Completer, EditorEffect, EditorState } from "./editor.ts";
export { drawEditor, layoutEditor } from "./editor_render.ts";
export type { EditorLayout } from "./editor_render.ts";
export { createMemoryHistory, openHistoryFile, parseHistory } from "./history.ts";
export type { HistoryStore } from "./history.ts";
export { createDenoTerminal, createKeyReader } from "./terminal.ts";
export type { KeyReader, TerminalIO } from "./terminal.ts";
export { createLineEditor } from "./line_editor.ts";
export type { LineEditor, LineEditorOptions, ReadResult } from "./line_editor.ts";
export {
  createCommandRegistry,
  formatHelp,
  parseSlashCommand,
  suggestCommand,
} from "./commands.ts";
export type { CommandRegistry, CommandResult, SlashCommand } from "./commands.ts";
export { defaultCommands } from "./default_commands.ts";
export type { CommandHandler, CommandName } from "./default_commands.ts";
export {
  askPermission,
  formatPermissionQuestion,
  reducePermissionPrompt,
} from "./permission_prompt.ts";
export type {
  PermissionPromptState,
  PermissionQuestion,
  PermissionReply,
} from "./permission_prompt.ts";
