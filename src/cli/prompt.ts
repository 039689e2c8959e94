import type { PermissionRequest } from "../core/mod.ts";
import type { Answer, Asker, Decision } from "../permissions/types.ts";
import { describeRequest } from "../permissions/mod.ts";

/**
 * A terminal asker: prints the request to stderr and reads y / s / n from `readLine`.
 * Anything but "y" or "s" is a no.
 */
export function createTerminalAsker(
  readLine: () => Promise<string | null>,
  write: (text: string) => void,
): Asker {
  return async (request: PermissionRequest, decision: Decision): Promise<Answer> => {
    write(`\nLoom wants to ${describeRequest(request)}\n  (${decision.reason})\n`);
    write("Allow? [y] once, [s] for this session, [N] no: ");
    const line = (await readLine())?.trim().toLowerCase() ?? "";
    if (line === "y" || line === "yes") return "once";
    if (line === "s" || line === "session") return "session";
    return "deny";
  };
}
