// Why a request could not connect, read from the error chain each runtime produces.
import type { Fault } from "./faults.ts";

/**
 * Why a connection could not be made: nothing listening (a server may be restarting), or an
 * endpoint that no retry can fix (a blocked port, a malformed URL, an unknown host, a rejected
 * certificate).
 */
export type Reach = "refused" | "blocked" | "bad-url" | "no-host" | "tls";

// What each runtime says (Deno's fetch, Node's undici, Deno.errors, Windows), mapped to a reach.
const REACHES: [Reach, RegExp][] = [
  ["refused", /\bECONNREFUSED\b|\bConnectionRefused\b|connection refused|actively refused/i],
  ["blocked", /requests to port \d+ are blocked|\bERR_UNSAFE_PORT\b|bad port/i],
  ["bad-url", /invalid url|\bERR_INVALID_URL\b|scheme '?[\w+.-]*'? not supported|unknown scheme/i],
  // Not EAI_AGAIN ("Temporary failure in name resolution"): a network coming back cures that.
  ["no-host", /\bENOTFOUND\b|name or service not known|nodename nor servname|no such host/i],
  ["tls", /certificate|\bCERT_|\bUNABLE_TO_VERIFY|\bSELF_SIGNED|\bERR_TLS_CERT/i],
];

/**
 * A connection fault from a failed request, its reason found in the error's causes: the SDKs
 * wrap fetch's `TypeError: fetch failed`, whose own cause says what happened.
 */
export function connectionFault(err: unknown): Fault {
  const chain: unknown[] = [];
  for (let e = err; e !== undefined && e !== null && chain.length < 8; e = causeOf(e)) {
    if (chain.includes(e)) break;
    chain.push(e);
  }
  const texts = chain.map((e) => {
    const { name, code, message } = (e ?? {}) as {
      name?: unknown;
      code?: unknown;
      message?: unknown;
    };
    return [name, code, typeof message === "string" ? message : String(e)].join(" ");
  });
  const all = texts.join("\n");
  const reach = REACHES.find(([, pattern]) => pattern.test(all))?.[0];
  const messages = chain.map((e) => e instanceof Error ? e.message : String(e));
  const informative = messages.filter((m) => m && !/^fetch failed$|^connection error\.?$/i.test(m));
  return {
    kind: "connection",
    message: briefly(informative.at(-1) ?? messages.at(-1) ?? ""),
    reach,
    cause: err,
  };
}

function causeOf(err: unknown): unknown {
  return typeof err === "object" && err !== null ? (err as { cause?: unknown }).cause : undefined;
}

/** Drops fetch's `Fetch failed: ` and `error sending request for url (...): client error (Connect): `. */
function briefly(message: string): string {
  return message.replace(/^fetch failed:\s*/i, "")
    .replace(/^error sending request for url \([^)]*\):\s*/i, "")
    .replace(/^client error \(\w+\):\s*/i, "");
}

/** A base URL as shown to the person: without any user name or password in it. */
export function displayURL(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = "";
    parsed.password = "";
    return parsed.href;
  } catch {
    return url.replace(/\/\/[^/@]*@/, "//");
  }
}
