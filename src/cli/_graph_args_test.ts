import assert from "node:assert/strict";
import { parseGraphArgs, resolvePath } from "./_graph_args.ts";
import type { OptionSpec } from "./_graph_args.ts";

const OPTIONS: Record<string, OptionSpec> = {
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  budget: { type: "string" },
  parent: { type: "string", multiple: true },
};

Deno.test("graph flags take values in both spellings, repeat when multiple, and stop at --", () => {
  const parsed = parseGraphArgs(
    ["add", "--budget", "5", "--parent=1", "-h", "--parent", "2", "--json", "--", "--x"],
    OPTIONS,
  );
  assert.deepEqual(parsed.values, { budget: "5", parent: ["1", "2"], help: true, json: true });
  assert.deepEqual(parsed.positionals, ["add", "--x"]);
});

Deno.test("unknown flags, missing values and values given to booleans are refused", () => {
  assert.throws(() => parseGraphArgs(["--nope"], OPTIONS), /Unknown option '--nope'/);
  assert.throws(() => parseGraphArgs(["-x"], OPTIONS), /Unknown option '-x'/);
  assert.throws(() => parseGraphArgs(["--budget"], OPTIONS), /argument missing/);
  assert.throws(() => parseGraphArgs(["--budget", "--json"], OPTIONS), /ambiguous/);
  assert.throws(() => parseGraphArgs(["--json=yes"], OPTIONS), /does not take an argument/);
});

Deno.test("resolvePath makes a path absolute against a base and drops . and ..", () => {
  assert.equal(resolvePath("/a/b", "."), "/a/b");
  assert.equal(resolvePath("/a/b", "../c/./d/"), "/a/c/d");
  assert.equal(resolvePath("/a/b", "/x/../y"), "/y");
  assert.equal(resolvePath("/", ".."), "/");
});
