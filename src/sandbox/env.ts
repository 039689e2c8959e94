/** Variable names that carry secrets: provider keys, tokens, passwords. */
const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH|SESSION|COOKIE)/i;
/** Exact names that are secrets or steer children in ways Loom must control. */
const DROPPED = new Set([
  "LOOM_MCP_TOKEN",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "GOOGLE_APPLICATION_CREDENTIALS",
  "DATABASE_URL",
  "BASH_ENV",
  "ENV",
  "LD_PRELOAD",
  "LD_LIBRARY_PATH",
  "DENO_AUTH_TOKENS",
  "NPM_CONFIG__AUTH",
  "SSH_AUTH_SOCK",
]);

/** The parent's environment without secrets, for a child process. */
export function cleanEnv(env: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (DROPPED.has(name) || SECRET_NAME.test(name)) continue;
    if (name.startsWith("BASH_FUNC_")) continue;
    out[name] = value;
  }
  return out;
}
