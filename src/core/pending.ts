const pending = new Set<Promise<unknown>>();

/**
 * Keeps `work` (started off a reply's path, such as a directory flush) from being cut short when
 * the process exits on purpose: `main` awaits {@link settlePending} before `Deno.exit`.
 */
export function finishBeforeExit(work: Promise<unknown>): void {
  const tracked = work.catch(() => {}).finally(() => pending.delete(tracked));
  pending.add(tracked);
}

/** Resolves when every piece of work handed to {@link finishBeforeExit} so far has ended. */
export async function settlePending(): Promise<void> {
  while (pending.size > 0) await Promise.all(pending);
}
