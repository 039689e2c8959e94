// The one place the REPL touches the real terminal; everything else takes a TerminalIO.
import { createKeyDecoder, type Key } from "./keys.ts";

/** The terminal as the REPL needs it: text in, text out, raw mode and width. */
export interface TerminalIO {
  /** The next chunk of input, decoded; null at end of input. */
  read(): Promise<string | null>;
  write(text: string): void;
  setRaw(on: boolean): void;
  /**
   * While on, the terminal's resting mode (raw off) neither echoes keys nor waits for Enter,
   * but Ctrl-C still raises SIGINT: for the time a turn runs.
   */
  setQuiet?(on: boolean): void;
  columns(): number;
}

/** Keys from a terminal, one at a time; shared by the line editor and the permission prompt. */
export interface KeyReader {
  /** The next key, or null at end of input. */
  next(): Promise<Key | null>;
}

/** Decodes `read` chunks into keys, queueing the extra keys of a chunk. */
export function createKeyReader(read: () => Promise<string | null>): KeyReader {
  const decoder = createKeyDecoder();
  const queue: Key[] = [];
  let ended = false;
  return {
    async next() {
      while (queue.length === 0) {
        if (ended) return null;
        const chunk = await read();
        if (chunk === null) {
          ended = true;
          queue.push(...decoder.feed(""));
          continue;
        }
        queue.push(...decoder.feed(chunk));
      }
      return queue.shift()!;
    },
  };
}

/** A TerminalIO over this process's stdin and stdout. */
export function createDenoTerminal(): TerminalIO {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  const buffer = new Uint8Array(4096);
  let raw = false;
  let quiet = false;
  const apply = () => {
    if (!Deno.stdin.isTerminal()) return;
    if (raw) Deno.stdin.setRaw(true);
    else if (quiet) Deno.stdin.setRaw(true, { cbreak: true });
    else Deno.stdin.setRaw(false);
  };
  return {
    async read() {
      const n = await Deno.stdin.read(buffer);
      if (n === null) return null;
      return decoder.decode(buffer.subarray(0, n), { stream: true });
    },
    write(text) {
      let bytes = encoder.encode(text);
      while (bytes.length > 0) bytes = bytes.subarray(Deno.stdout.writeSync(bytes));
    },
    setRaw(on) {
      raw = on;
      apply();
    },
    setQuiet(on) {
      quiet = on;
      apply();
    },
    columns() {
      try {
        return Deno.consoleSize().columns;
      } catch {
        return 80;
      }
    },
  };
}
