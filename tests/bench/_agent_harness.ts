// What the agent benchmarks share: the clock on the provider's SDK, the fake provider in a
// Worker, and the repo the session works on.
import Anthropic from "@anthropic-ai/sdk";
import { Stream } from "@anthropic-ai/sdk/core/streaming";
import type { ServedRequest } from "./_agent_fake_worker.ts";

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Model time is time inside the provider's SDK: from handing it the ready request (`post`) until
 * it has the response headers, and each wait on the SDK's event stream (HTTP, its SSE parsing and
 * the fake). Everything Loom does around the SDK is overhead: building the request body, turning
 * events into parts, retries and idle timeouts, the loop, the session, tool dispatch. The hooks
 * wrap the SDK's own classes, so no Loom code runs inside the timed spans.
 */
export function timeSdk(clock: { modelMs: number }, posted: number[]): void {
  const client = Anthropic.prototype as unknown as { post(...args: unknown[]): Promise<unknown> };
  const post = client.post;
  // Each wrapper hands back the SDK's own promise and watches it on the side: a promise of its
  // own would cost the caller an extra turn of the microtask queue, counted as Loom's.
  const watch = <T>(promise: Promise<T>, t0: number): Promise<T> => {
    const stop = () => {
      clock.modelMs += performance.now() - t0;
    };
    promise.then(stop, stop);
    return promise;
  };
  client.post = function (this: unknown, ...args: unknown[]) {
    const t0 = performance.now();
    posted.push(performance.timeOrigin + t0);
    return watch(post.apply(this, args), t0);
  };
  type Iterate = () => AsyncIterator<unknown>;
  const stream = Stream.prototype as unknown as { [Symbol.asyncIterator]: Iterate };
  const iterate = stream[Symbol.asyncIterator];
  stream[Symbol.asyncIterator] = function (this: unknown) {
    const inner = iterate.call(this);
    return {
      next: () => {
        const t0 = performance.now();
        return watch(inner.next(), t0);
      },
      return: (value?: unknown) => inner.return?.(value) ?? Promise.resolve({ done: true, value }),
    };
  };
}

/** The benchmark repo: `count` TypeScript files of thirty small functions each. */
export function benchFiles(count: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    files[`src/mod_${i}.ts`] = Array.from(
      { length: 30 },
      (_, j) => `export function f${i}_${j}(x: number): number {\n  return x * ${j} + ${i};\n}`,
    ).join("\n");
  }
  return files;
}

/** A fake Anthropic provider: its environment for Loom, and what it served. */
export interface Fake {
  env: Record<string, string>;
  /** The requests served since the last call. */
  take(): Promise<ServedRequest[]>;
  close(): Promise<void>;
}

/** The fake provider in a Worker (see _agent_fake_worker.ts), serving a repo of `count` files. */
export async function workerFake(count: number): Promise<Fake> {
  const url = new URL("./_agent_fake_worker.ts", import.meta.url);
  url.searchParams.set("files", String(count));
  const worker = new Worker(url, { type: "module" });
  const next = () =>
    new Promise<Record<string, unknown>>((resolve) => {
      worker.onmessage = (e) => resolve(e.data);
    });
  const { env } = await next() as { env: Record<string, string> };
  return {
    env,
    take: async () => {
      const answer = next();
      worker.postMessage("take");
      return (await answer).served as ServedRequest[];
    },
    close: async () => {
      const answer = next();
      worker.postMessage("close");
      await answer;
      worker.terminate();
    },
  };
}
