// Homes for the Loom processes tests start. Each is removed when its test file's run ends, and a
// Loom started there keeps Deno's cache where it is: with HOME moved, every child `deno` would
// build a cache of its own (some 20 MB) in the home, and compile everything again.
import { denoDirOf } from "../../src/sandbox/deno_flags.ts";

const homes: string[] = [];
globalThis.addEventListener("unload", () => {
  for (const path of homes) {
    try {
      Deno.removeSync(path, { recursive: true });
    } catch {
      // Gone already.
    }
  }
});

/** A new temp directory to use as HOME and LOOM_HOME, removed when the test file is done. */
export async function tempHome(): Promise<string> {
  const path = await Deno.realPath(await Deno.makeTempDir({ prefix: "loom-home-" }));
  homes.push(path);
  return path;
}

/** Where Deno keeps its cache now (pass it as DENO_DIR): a re-pointed HOME must not move it. */
export function denoDir(): string {
  return denoDirOf(Deno.env.toObject()) ?? "/.cache/deno";
}
