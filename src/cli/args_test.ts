import assert from "node:assert/strict";
import { isLoomError } from "../core/mod.ts";
import { parseCliArgs } from "./args.ts";

Deno.test("an unknown option is named in a sentence that balances its quotes and says what to do", () => {
  assert.throws(
    () => parseCliArgs(["--bogus"]),
    (err) =>
      isLoomError(err, "USAGE") &&
      err.message ===
        `Cannot parse the command line: unknown option --bogus (a prompt starting with "-" goes after --); see 'loom --help'`,
  );
});
