import type { PermissionRequest } from "../core/mod.ts";
import type { Answer, Asker, Decision } from "../permissions/types.ts";
import { describeRequest } from "../permissions/mod.ts";
import { safeExact, safeText } from "./render/safe_text.ts";

/**
 * A terminal asker: prints the request to stderr and reads y / s / n from `readLine`.
 * Anything but "y" or "s" is a no.
 */
export function createTerminalAsker(
  readLine: () => Promise<string | null>,
  write: (text: string) => void,
): Asker {
  return async (request: PermissionRequest, decision: Decision): Promise<Answer> => {
    // What is approved is shown exactly: control and invisible characters made visible.
    const what = safeExact(describeRequest(request), { oneLine: true });
    write(`\nLoom wants to ${what}\n  (${safeText(decision.reason, { oneLine: true })})\n`);
    write("Allow? [y] once, [s] for this session, [N] no: ");
    const line = (await readLine())?.trim().toLowerCase() ?? "";
    if (line === "y" || line === "yes") return "once";
    if (line === "s" || line === "session") return "session";
    return "deny";
  };
}
