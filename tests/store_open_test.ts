import assert from "node:assert/strict";

Deno.test("connections opening the same new database file at the same moment all succeed", async () => {
  // Each worker has its own SQLite connection, as a second Loom process would. Switching a new
  // file to WAL while another connection switches it fails at once ("database is locked") unless
  // the open tries again; unfixed, a few of these opens fail.
  const dir = await Deno.makeTempDir({ prefix: "loom-open-" });
  try {
    const workers = 6;
    const barrier = new SharedArrayBuffer(8);
    const failures = await Promise.all(
      Array.from({ length: workers }, () =>
        new Promise<string[]>((resolve) => {
          const worker = new Worker(new URL("./_lib/open_worker.ts", import.meta.url), {
            type: "module",
          });
          worker.onmessage = (event: MessageEvent<string[]>) => {
            worker.terminate();
            resolve(event.data);
          };
          worker.postMessage({ dir, files: 200, workers, barrier });
        })),
    );
    assert.deepEqual(failures.flat(), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
