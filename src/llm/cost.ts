import type { ModelInfo, Usage } from "../core/mod.ts";

/**
 * Dollars for one call's usage at the model's prices (per million tokens).
 *
 * @example costOf({ input: 1e6, output: 0, cacheRead: 0, cacheWrite: 0 }, info) // info.prices.input
 */
export function costOf(usage: Usage, info: Pick<ModelInfo, "prices">): number {
  const p = info.prices;
  return (usage.input * p.input + usage.output * p.output + usage.cacheRead * p.cacheRead +
    usage.cacheWrite * p.cacheWrite) / 1_000_000;
}

/** Adds two usage rows. */
export function addUsage(a: Usage, b: Usage): Usage {
  return {
    input: a.input + b.input,
    output: a.output + b.output,
    cacheRead: a.cacheRead + b.cacheRead,
    cacheWrite: a.cacheWrite + b.cacheWrite,
  };
}
