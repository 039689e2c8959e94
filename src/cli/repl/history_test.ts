import { deepEqual } from "node:assert/strict";
import { join } from "node:path";
import { openHistoryFile, parseHistory } from "./history.ts";

Deno.test("history is appended one line per input and read back, multi-line inputs included", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, ".loom", "history");
    const store = openHistoryFile(path);
    deepEqual(await store.load(), [], "a missing file is an empty history");
    await store.append("first");
    await store.append("two\nlines");
    deepEqual(await openHistoryFile(path).load(), ["first", "two\nlines"]);
    deepEqual((await Deno.readTextFile(path)).split("\n"), ['"first"', '"two\\nlines"', ""]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a history line cut short by a crash is skipped and the rest kept", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "history");
    await Deno.writeTextFile(path, '"ok"\n"cut sh\n42\n"last"\n');
    deepEqual(await openHistoryFile(path).load(), ["ok", "last"]);
    deepEqual(parseHistory('"a"\n"b"\n"c"\n', 2), ["b", "c"], "only the last `limit` entries");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
