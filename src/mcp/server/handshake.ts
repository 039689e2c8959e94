// What `initialize` needs, with no npm import: the stdio server answers the handshake from this
// module while the SDK and the tools are still loading (start-up is the time to that answer).
// handshake_test.ts holds these values equal to what the SDK's own Server answers.

/** The protocol versions the pinned SDK accepts, newest first (its SUPPORTED_PROTOCOL_VERSIONS). */
export const SUPPORTED_PROTOCOL_VERSIONS = [
  "2025-11-25",
  "2025-06-18",
  "2025-03-26",
  "2024-11-05",
  "2024-10-07",
];

/** What the Loom server offers, as declared in `initialize`. */
export const SERVER_CAPABILITIES = {
  tools: { listChanged: false },
  resources: { subscribe: true, listChanged: false },
  prompts: { listChanged: false },
  logging: {},
  completions: {},
};

/** The server's instructions to the model. */
export const INSTRUCTIONS = "Loom serves one project: read, search, edit and run commands there. " +
  "Paths are project-relative. Read a file before editing it. Calls that change things may " +
  "ask for approval or be denied by the project's rules (see the loom://rules resource).";

/** The `serverInfo` of `initialize`. */
export function serverInfo(version: string): { name: string; title: string; version: string } {
  return { name: "loom", title: "Loom", version };
}

/** An `initialize` request's id, when `message` is a well-formed one (else undefined). */
export function initializeRequestId(message: unknown): string | number | undefined {
  if (typeof message !== "object" || message === null) return undefined;
  const m = message as Record<string, unknown>;
  if (m.method !== "initialize" || (typeof m.id !== "string" && typeof m.id !== "number")) {
    return undefined;
  }
  const params = m.params as Record<string, unknown> | undefined;
  const info = params?.clientInfo as Record<string, unknown> | undefined;
  const wellFormed = typeof params?.protocolVersion === "string" &&
    typeof params.capabilities === "object" && params.capabilities !== null &&
    typeof info?.name === "string" && typeof info.version === "string";
  return wellFormed ? m.id : undefined;
}

/** The result the SDK's Server gives `initialize`: the client's version when supported. */
export function initializeResult(requestedVersion: string, version: string) {
  return {
    protocolVersion: SUPPORTED_PROTOCOL_VERSIONS.includes(requestedVersion)
      ? requestedVersion
      : SUPPORTED_PROTOCOL_VERSIONS[0],
    capabilities: SERVER_CAPABILITIES,
    serverInfo: serverInfo(version),
    instructions: INSTRUCTIONS,
  };
}
