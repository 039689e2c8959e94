// REPL history on disk: one JSON string per line (so multi-line inputs survive), appended as
// each input is submitted, so nothing typed is lost if the process dies.
import { dirname } from "node:path";

/** Past inputs (oldest first) and a way to add one. */
export interface HistoryStore {
  load(): Promise<string[]>;
  append(entry: string): Promise<void>;
}

/** Parses a history file's text, skipping lines that are not JSON strings; keeps the last `limit`. */
export function parseHistory(text: string, limit = 1000): string[] {
  const entries: string[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const value = JSON.parse(line);
      if (typeof value === "string") entries.push(value);
    } catch {
      // A line cut short by a crash: skip it, keep the rest.
    }
  }
  return entries.slice(-limit);
}

/** A history store in the file at `path` (created, with its folder, on first append). */
export function openHistoryFile(path: string, options: { limit?: number } = {}): HistoryStore {
  return {
    async load() {
      try {
        return parseHistory(await Deno.readTextFile(path), options.limit);
      } catch (err) {
        if (err instanceof Deno.errors.NotFound) return [];
        throw err;
      }
    },
    async append(entry) {
      await Deno.mkdir(dirname(path), { recursive: true });
      // One write with O_APPEND: concurrent REPLs on one project interleave whole lines.
      await Deno.writeTextFile(path, `${JSON.stringify(entry)}\n`, { append: true });
    },
  };
}

/** A history store in memory (tests, `--no-history`). */
export function createMemoryHistory(entries: string[] = []): HistoryStore & { entries: string[] } {
  return {
    entries,
    load: () => Promise.resolve([...entries]),
    append(entry) {
      entries.push(entry);
      return Promise.resolve();
    },
  };
}
