import { dirname } from "node:path";

/** How long a burst of file events is gathered into one notification. */
const SETTLE_MS = 50;

/**
 * Resource subscriptions backed by Deno.watchFs. Each subscribed URI watches the parent
 * directories of its files (so editors that replace a file by rename are still seen) and calls
 * `notify(uri)` once per burst of changes to those files.
 */
export class ResourceSubscriptions {
  #notify: (uri: string) => void;
  #subs = new Map<string, { watchers: Deno.FsWatcher[]; timer?: ReturnType<typeof setTimeout> }>();

  constructor(notify: (uri: string) => void) {
    this.#notify = notify;
  }

  /** Starts watching `paths` for `uri`; subscribing twice keeps one watch. */
  subscribe(uri: string, paths: string[]): void {
    if (this.#subs.has(uri)) return;
    const files = new Set(paths);
    const entry: { watchers: Deno.FsWatcher[]; timer?: ReturnType<typeof setTimeout> } = {
      watchers: [],
    };
    for (const dir of new Set(paths.map((p) => dirname(p)))) {
      let watcher: Deno.FsWatcher;
      try {
        watcher = Deno.watchFs(dir, { recursive: false });
      } catch {
        continue; // A directory that does not exist (an absent LOOM.md's parent) has nothing to see.
      }
      entry.watchers.push(watcher);
      this.#pump(watcher, files, uri, entry);
    }
    this.#subs.set(uri, entry);
  }

  /** Stops watching `uri`. */
  unsubscribe(uri: string): void {
    const entry = this.#subs.get(uri);
    if (!entry) return;
    this.#subs.delete(uri);
    clearTimeout(entry.timer);
    for (const watcher of entry.watchers) watcher.close();
  }

  /** Stops every watch. */
  close(): void {
    for (const uri of [...this.#subs.keys()]) this.unsubscribe(uri);
  }

  async #pump(
    watcher: Deno.FsWatcher,
    files: Set<string>,
    uri: string,
    entry: { timer?: ReturnType<typeof setTimeout> },
  ): Promise<void> {
    try {
      for await (const event of watcher) {
        if (event.kind === "access" || !event.paths.some((p) => files.has(p))) continue;
        clearTimeout(entry.timer);
        entry.timer = setTimeout(() => {
          if (this.#subs.has(uri)) this.#notify(uri);
        }, SETTLE_MS);
      }
    } catch {
      // The watcher was closed or its directory vanished: the subscription simply ends.
    }
  }
}
