/** Converts a platform path to POSIX separators (tool output and rule matching use POSIX). */
export function toPosix(path: string): string {
  return path.replaceAll("\\", "/");
}
