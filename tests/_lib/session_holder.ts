// Another Loom process using a session, as far as the session lease can tell: a real child
// process that takes the session's lease (src/agent/session_lease.ts) and keeps it until disposed.
const LEASE = new URL("../../src/agent/session_lease.ts", import.meta.url).href;

/** Holds session `id` of the database at `dbPath` from a child process, until disposed. */
export async function holdSession(
  dbPath: string,
  id: string,
): Promise<AsyncDisposable & { pid: number }> {
  const script = `
    import { leaseDir, leaseSession } from ${JSON.stringify(LEASE)};
    if (!leaseSession(leaseDir(${JSON.stringify(dbPath)}), ${JSON.stringify(id)})) Deno.exit(3);
    console.log("held");
    for await (const _ of Deno.stdin.readable) { /* until the parent lets go */ }
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--no-check", script],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const first = await reader.read();
  if (first.value?.trim() !== "held") {
    await child.stdin.close();
    const { code } = await child.status;
    throw new Error(`the holder did not take session ${id} (exit code ${code})`);
  }
  return {
    pid: child.pid,
    async [Symbol.asyncDispose]() {
      await child.stdin.close();
      await reader.cancel();
      await child.status;
    },
  };
}
