// A Worker for tests/store_open_test.ts: opens fresh database files, each at the same moment as
// the other workers (a barrier on shared memory), and reports the opens that failed.
import { openDatabase } from "../../src/store/mod.ts";
import { GRAPH_MIGRATIONS } from "../../src/graph/mod.ts";

interface Job {
  dir: string;
  files: number;
  workers: number;
  /** [arrived, generation]. */
  barrier: SharedArrayBuffer;
}

const port = self as unknown as Worker;
port.onmessage = (event: MessageEvent<Job>) => {
  const { dir, files, workers, barrier } = event.data;
  const gate = new Int32Array(barrier);
  const failures: string[] = [];
  for (let i = 0; i < files; i++) {
    const generation = Atomics.load(gate, 1);
    if (Atomics.add(gate, 0, 1) === workers - 1) {
      Atomics.store(gate, 0, 0);
      Atomics.add(gate, 1, 1);
      Atomics.notify(gate, 1);
    } else Atomics.wait(gate, 1, generation);
    try {
      openDatabase(`${dir}/${i}.db`, { migrations: [GRAPH_MIGRATIONS] }).close();
    } catch (err) {
      failures.push(String(err));
    }
  }
  port.postMessage(failures);
};
