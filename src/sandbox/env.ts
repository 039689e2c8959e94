/** Fragments that mark a variable as a secret wherever they appear in its name. */
const SECRET_FRAGMENT =
  /(SECRET|PASSWORD|PASSWD|TOKEN|APIKEY|API_KEY|CREDENTIAL|PRIVATE_KEY|ACCESS_KEY)/i;
/** `_`-separated name parts that mark a secret only as a whole word (so GIT_AUTHOR_NAME stays). */
const SECRET_PARTS = new Set(["KEY", "AUTH", "PASS", "PAT", "COOKIE", "SESSION", "PWD"]);
/** Names kept even though a rule above would drop them. */
const KEPT = new Set(["PWD", "OLDPWD"]);
/** Exact names that are secrets or steer children in ways Loom must control. */
const DROPPED = new Set([
  "LOOM_MCP_TOKEN",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_PROFILE",
  "GOOGLE_APPLICATION_CREDENTIALS",
  "GOOGLE_GHA_CREDS_PATH",
  "CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE",
  "AZURE_CLIENT_CERTIFICATE_PATH",
  "DATABASE_URL",
  "BASH_ENV",
  "ENV",
  "SHELLOPTS",
  "BASHOPTS",
  "PS4",
  "PROMPT_COMMAND",
  "DENO_AUTH_TOKENS",
  "NPM_CONFIG__AUTH",
  "SSH_AUTH_SOCK",
  "GPG_AGENT_INFO",
  "DBUS_SESSION_BUS_ADDRESS",
  "KUBECONFIG",
  "DOCKER_HOST",
  "VAULT_ADDR",
]);
/** Name prefixes that inject code into every child (loader hooks, exported shell functions). */
const DROPPED_PREFIXES = ["BASH_FUNC_", "LD_", "DYLD_"];
/** A URL with a password in it (`scheme://user:pass@host`), whatever the variable is called. */
const URL_WITH_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^\s/@:]+:[^\s/@]+@/i;

/** True when a child must not inherit the variable `name` with this `value`. */
export function isSecretVariable(name: string, value = ""): boolean {
  if (KEPT.has(name)) return false;
  if (DROPPED.has(name)) return true;
  if (DROPPED_PREFIXES.some((p) => name.startsWith(p))) return true;
  if (SECRET_FRAGMENT.test(name)) return true;
  if (name.toUpperCase().split("_").some((part) => SECRET_PARTS.has(part))) return true;
  return URL_WITH_PASSWORD.test(value);
}

/** The parent's environment without secrets, for a child process. */
export function cleanEnv(env: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!isSecretVariable(name, value)) out[name] = value;
  }
  return out;
}
