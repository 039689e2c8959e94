const SECRET_KEY = /(key|token|secret|password|passwd|credential|auth|cookie)/i;
const REDACTED = "[redacted]";

/**
 * A copy of `value` with secrets replaced: every value under an `env` table, every key that
 * names a secret, and credentials or query strings inside URLs.
 *
 * @example redactSecrets({ env: { A: "x" }, url: "https://u:p@h/x?k=1" })
 * // { env: { A: "[redacted]" }, url: "https://[redacted]@h/x?[redacted]" }
 */
export function redactSecrets(value: unknown, key = ""): unknown {
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item));
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (key === "env" || (SECRET_KEY.test(k) && typeof v === "string")) {
        out[k] = REDACTED;
      } else {
        out[k] = redactSecrets(v, k);
      }
    }
    return out;
  }
  if (typeof value === "string" && /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return redactUrl(value);
  return value;
}

function redactUrl(text: string): string {
  try {
    const url = new URL(text);
    if (!url.username && !url.password && !url.search) return text;
    const auth = url.username || url.password ? `${REDACTED}@` : "";
    const query = url.search ? `?${REDACTED}` : "";
    return `${url.protocol}//${auth}${url.host}${url.pathname}${query}`;
  } catch {
    return text;
  }
}
