// Untrusted text made safe to print (control, invisible and reordering characters shown as
// visible escapes). The functions live in core so that every front end (the MCP server's
// elicitation messages too) can use them; renderers import them from here.
export { safeExact, safeText } from "../../core/safe_text.ts";
export type { SafeTextOptions } from "../../core/safe_text.ts";
