// Only regular files are read. Opening a named pipe waits for a writer (forever when none comes,
// and on the one thread every request of `loom mcp` shares); a device may never end.
import { LoomError } from "./errors.ts";

/** What `info` is when it is neither a regular file nor a directory; undefined otherwise. */
export function specialKind(info: Deno.FileInfo): string | undefined {
  if (info.isFile || info.isDirectory) return undefined;
  if (info.isFifo) return "a named pipe (FIFO)";
  if (info.isSocket) return "a socket";
  if (info.isCharDevice || info.isBlockDevice) return "a device";
  return "not a regular file";
}

/**
 * Throws INVALID_INPUT when `path` is a named pipe, a socket or a device, before anything opens
 * it; a missing path throws NotFound, as reading it would.
 *
 * @example refuseSpecialFile("/tmp/fifo", "read") // throws: Cannot read "/tmp/fifo": it is a named pipe (FIFO)…
 */
export function refuseSpecialFile(path: string, verb: string, shown: string = path): void {
  const kind = specialKind(Deno.statSync(path));
  if (kind === undefined) return;
  throw new LoomError(
    "INVALID_INPUT",
    `Cannot ${verb} "${shown}": it is ${kind}, not a regular file; only regular files are read`,
  );
}
