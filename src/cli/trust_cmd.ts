import { recordTrust, trustStatus } from "../config/mod.ts";

/** What `loom trust` needs: the project, the user's config base, and where to print. */
export interface TrustCommandOptions {
  root: string;
  home: string;
  /** Only show what is waiting; record nothing. */
  status: boolean;
  out: (text: string) => void;
}

/** `loom trust [--status]`: shows the widening rules and records trust in them. */
export async function runTrust(options: TrustCommandOptions): Promise<number> {
  const root = await Deno.realPath(options.root);
  const current = await trustStatus({ root, home: options.home });
  const lines: string[] = [];
  if (current.pending.length === 0) {
    lines.push(`${root}: no rule widens permissions, spawns programs or changes endpoints`);
  } else {
    lines.push(
      `${root}: ${current.pending.length} rule(s) widen permissions, spawn programs or change endpoints:`,
    );
    for (const rule of current.pending) lines.push(`  ${rule}`);
  }
  if (options.status) {
    lines.push(
      current.recorded
        ? "Trusted: these rules are in force."
        : current.pending.length > 0
        ? "NOT trusted: these rules are ignored until you run 'loom trust'."
        : "Nothing waits for trust.",
    );
    options.out(lines.join("\n") + "\n");
    return 0;
  }
  const after = await recordTrust({ root, home: options.home });
  lines.push(
    `Trusted (hash ${
      after.hash.slice(0, 12)
    }). Editing LOOM.md or .loom.toml needs 'loom trust' again.`,
  );
  options.out(lines.join("\n") + "\n");
  return 0;
}
