export { createLoomServer } from "./server.ts";
export type { LoomServer, LoomServerOptions } from "./server.ts";
export { serveHttp, serveStdio } from "./serve.ts";
export type { HttpServing } from "./serve.ts";
// http.ts (Hono) is loaded by serveHttp on demand; import it directly for the app itself.
export type { McpHttpApp, McpHttpOptions } from "./http.ts";
export { LineTransport, MAX_MESSAGE_BYTES } from "./stdio.ts";
export type { LineStreams } from "./stdio.ts";
export { loadOrCreateToken, TOKEN_FILE } from "./token.ts";
export { redactSecrets } from "./redact.ts";
export { toMcpTool } from "./tools.ts";
