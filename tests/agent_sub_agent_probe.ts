// A Worker for the sub-agent security tests: started with the sub-agent's permissions, it tries
// to read the environment and to write into the project, and reports what it got.
/// <reference lib="deno.worker" />
self.onmessage = async (event: MessageEvent<{ root: string }>) => {
  const attempt = async (what: () => unknown) => {
    try {
      return { ok: true, value: JSON.stringify(await what()) ?? null };
    } catch (err) {
      return { ok: false, value: (err as Error).name };
    }
  };
  const node = (globalThis as { process?: { env: Record<string, string> } }).process;
  self.postMessage({
    get: await attempt(() => Deno.env.get("PATH")),
    all: await attempt(() => Deno.env.toObject()),
    node: await attempt(() => node?.env.PATH),
    write: await attempt(() => Deno.writeTextFile(`${event.data.root}/leak.txt`, "x")),
  });
};
