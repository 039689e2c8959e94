import assert from "node:assert/strict";
import { createTempProject } from "./_lib/project.ts";
import { createTempHome, MAIN, serverEnv } from "./_lib/mcp.ts";
import { markedSleep, survivorsOf, uniqueToken, waitForProcess } from "./_lib/processes.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };
const INIT = {
  protocolVersion: "2025-06-18",
  capabilities: {},
  clientInfo: { name: "batch", version: "0" },
};
/** Far above the server's grace (EOF_GRACE_MS) and far below the sleeps it must cut short. */
const EXIT_BOUND_MS = 30_000;

// deno-lint-ignore no-explicit-any
type Message = Record<string, any>;

const line = (message: Message) => JSON.stringify({ jsonrpc: "2.0", ...message }) + "\n";
const request = (id: number, method: string, params: unknown = {}) => line({ id, method, params });
const HANDSHAKE = request(1, "initialize", INIT) + line({ method: "notifications/initialized" });

/** `loom mcp --project ROOT` with raw pipes. */
function spawnServer(root: string, home: string, args: string[] = []) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "mcp", "--project", root, ...args],
    env: serverEnv(home),
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
}

/** Every line the server wrote to stdout until it closed it. */
async function allReplies(child: Deno.ChildProcess): Promise<Message[]> {
  const text = await new Response(child.stdout).text();
  return text.split("\n").filter(Boolean).map((l) => JSON.parse(l));
}

/** The child's exit code, or a failure once EXIT_BOUND_MS pass (a bound, not a wait). */
async function exitCode(child: Deno.ChildProcess): Promise<number> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch {
        // Gone already.
      }
      reject(new Error(`loom mcp still ran ${EXIT_BOUND_MS} ms later`));
    }, EXIT_BOUND_MS);
  });
  try {
    return (await Promise.race([child.status, bound])).code;
  } finally {
    clearTimeout(timer);
  }
}

Deno.test(
  "requests piped in before stdin closes are all answered on stdout and the server exits with 0",
  opts,
  async () => {
    await using project = await createTempProject({ "a.txt": "alpha\n" });
    await using home = await createTempHome();
    const child = spawnServer(project.root, home.path);
    const writer = child.stdin.getWriter();
    // One write and the end of input together, as `printf ... | loom mcp` does.
    await writer.write(
      new TextEncoder().encode(
        HANDSHAKE +
          request(2, "tools/call", { name: "file_read", arguments: { path: "a.txt" } }) +
          request(3, "tools/list"),
      ),
    );
    await writer.close();
    const replies = (await allReplies(child)).filter((m) => "id" in m);
    assert.equal(await exitCode(child), 0);
    assert.deepEqual(replies.map((m) => m.id).sort(), [1, 2, 3]);
    const read = replies.find((m) => m.id === 2)!;
    assert.match(read.result.content[0].text, /a\.txt: 1 line\n\s+1\talpha/);
    assert.ok(replies.find((m) => m.id === 3)!.result.tools.length > 0);
  },
);

/** Starts `loom mcp --yes` with a shell call that sleeps, marked by a token, sent after the handshake. */
async function serverWithSleepingCall(root: string, home: string, seconds?: number) {
  const token = uniqueToken();
  const child = spawnServer(root, home, ["--yes"]);
  const replies = allReplies(child);
  const writer = child.stdin.getWriter();
  const command = markedSleep(token, seconds);
  await writer.write(
    new TextEncoder().encode(
      HANDSHAKE + request(2, "tools/call", { name: "shell", arguments: { command } }),
    ),
  );
  // Only the handshake is ever answered: the call is cancelled in every test that uses this.
  const answered = async () => (await replies).map((m) => m.id).filter((id) => id !== undefined);
  return { token, child, writer, answered };
}

Deno.test(
  "a call still running when stdin closes is cancelled after the grace: the server exits and its process is gone",
  opts,
  async () => {
    await using project = await createTempProject();
    await using home = await createTempHome();
    const { token, child, writer, answered } = await serverWithSleepingCall(
      project.root,
      home.path,
      60,
    );
    await writer.close();
    // The call runs although input has already ended: it was received, so it is served...
    await waitForProcess(token);
    // ...until the grace runs out, well before the sleep would end.
    assert.equal(await exitCode(child), 0);
    assert.deepEqual(await survivorsOf(token), []);
    assert.deepEqual(await answered(), [1]);
  },
);

Deno.test(
  "a server whose stdout is gone ends the session at its first failed write, though stdin is open, and kills running work",
  opts,
  async () => {
    await using project = await createTempProject();
    await using home = await createTempHome();
    const token = uniqueToken();
    const child = spawnServer(project.root, home.path, ["--yes"]);
    const writer = child.stdin.getWriter();
    const send = (text: string) => writer.write(new TextEncoder().encode(text));
    // Read straight from the pipe: cancelling this reader closes it at once (a reader of a
    // piped-through stream would close it only later, racing the write below).
    const reader = child.stdout.getReader();
    const decoder = new TextDecoder();
    await send(HANDSHAKE);
    let text = "";
    while (!text.includes("\n")) {
      text += decoder.decode((await reader.read()).value ?? new Uint8Array(), { stream: true });
    }
    assert.equal(JSON.parse(text.split("\n")[0]).id, 1);
    await send(
      request(2, "tools/call", { name: "shell", arguments: { command: markedSleep(token) } }),
    );
    await waitForProcess(token);
    await reader.cancel(); // nobody reads stdout any more
    await send(request(3, "ping")); // its reply meets a closed pipe
    assert.equal(await exitCode(child), 0);
    assert.deepEqual(await survivorsOf(token), []);
    await writer.close().catch(() => {});
  },
);

Deno.test(
  "SIGTERM still ends a stdio session at once: the running call's process is killed and the server exits",
  opts,
  async () => {
    await using project = await createTempProject();
    await using home = await createTempHome();
    const { token, child, writer, answered } = await serverWithSleepingCall(
      project.root,
      home.path,
    );
    await waitForProcess(token);
    child.kill("SIGTERM"); // stdin stays open: only the signal ends the session
    assert.equal(await exitCode(child), 0);
    assert.deepEqual(await survivorsOf(token), []);
    assert.deepEqual(await answered(), [1]);
    await writer.close().catch(() => {});
  },
);
