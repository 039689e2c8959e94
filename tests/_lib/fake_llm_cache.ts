// Prompt-cache accounting as the providers do it, so tests and benchmarks can measure cache hits.
//
// Anthropic: a request is a sequence of blocks (tools, then system, then message content). A block
// marked with cache_control is a breakpoint. For each breakpoint the service looks back up to 20
// blocks for the longest prefix it has stored; that much is read from cache, the rest up to the
// last breakpoint is written, and everything after is plain input. OpenAI caches automatically:
// the longest prefix of any earlier request is read.

const LOOKBACK = 20;

/** How a request's input splits between cache and plain input. */
export interface CacheSplit {
  input: number;
  cacheRead: number;
  cacheWrite: number;
}

interface Block {
  text: string;
  breakpoint: boolean;
}

/** Stores prefixes across requests, per fake server. */
export class PromptCache {
  #stored = new Set<string>();

  /** Splits an Anthropic Messages request body, storing the prefixes up to its breakpoints. */
  anthropic(body: Record<string, unknown>): CacheSplit {
    const blocks = anthropicBlocks(body);
    const keys = prefixKeys(String(body.model), blocks);
    const tokens = blocks.map((b) => estimate(b.text));
    const breakpoints = blocks.flatMap((b, i) => (b.breakpoint ? [i] : []));
    let read = -1;
    for (const bp of breakpoints) {
      for (let j = bp; j >= Math.max(0, bp - LOOKBACK); j--) {
        if (this.#stored.has(keys[j])) {
          read = Math.max(read, j);
          break;
        }
      }
    }
    const last = breakpoints.length ? breakpoints[breakpoints.length - 1] : -1;
    for (const bp of breakpoints) this.#stored.add(keys[bp]);
    return {
      cacheRead: sum(tokens, 0, read + 1),
      cacheWrite: sum(tokens, read + 1, last + 1),
      input: sum(tokens, Math.max(read, last) + 1, tokens.length),
    };
  }

  /** Splits an OpenAI chat request body: the longest prefix seen before is cached. */
  openai(body: Record<string, unknown>): CacheSplit {
    const blocks = [
      ...asArray(body.tools).map((t) => ({ text: canonical(t), breakpoint: false })),
      ...asArray(body.messages).map((m) => ({ text: canonical(m), breakpoint: false })),
    ];
    const keys = prefixKeys(`openai:${body.model}`, blocks);
    const tokens = blocks.map((b) => estimate(b.text));
    let read = -1;
    for (let j = keys.length - 1; j >= 0; j--) {
      if (this.#stored.has(keys[j])) {
        read = j;
        break;
      }
    }
    for (const key of keys) this.#stored.add(key);
    return {
      cacheRead: sum(tokens, 0, read + 1),
      cacheWrite: 0,
      input: sum(tokens, read + 1, tokens.length),
    };
  }
}

/** A rough token count for the fake's usage reports: four characters a token. */
export function estimate(text: string): number {
  return Math.ceil(text.length / 4);
}

function anthropicBlocks(body: Record<string, unknown>): Block[] {
  const blocks: Block[] = [];
  for (const tool of asArray(body.tools)) blocks.push(block("tool", tool));
  const system = body.system;
  if (typeof system === "string") blocks.push({ text: `system${system}`, breakpoint: false });
  else for (const part of asArray(system)) blocks.push(block("system", part));
  for (const message of asArray(body.messages)) {
    const { role, content } = message as { role: string; content: unknown };
    if (typeof content === "string") blocks.push({ text: role + content, breakpoint: false });
    else for (const part of asArray(content)) blocks.push(block(role, part));
  }
  return blocks;
}

function block(prefix: string, value: unknown): Block {
  const { cache_control: mark, ...rest } = value as Record<string, unknown>;
  return { text: prefix + canonical(rest), breakpoint: mark !== undefined && mark !== null };
}

function prefixKeys(seed: string, blocks: Block[]): string[] {
  const keys: string[] = [];
  let hash = hashText(seed, 0x811c9dc5);
  for (const b of blocks) {
    hash = hashText(b.text, hash);
    keys.push(`${hash}:${keys.length}`);
  }
  return keys;
}

// A chained 53-bit hash (cyrb53-style): prefix identity without keeping the prefixes.
function hashText(text: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed, h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

function canonical(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v) =>
      v && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
        : v,
  );
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function sum(values: number[], from: number, to: number): number {
  let total = 0;
  for (let i = from; i < to; i++) total += values[i];
  return total;
}
