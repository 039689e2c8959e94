import assert from "node:assert/strict";
import { LoomError } from "../core/mod.ts";
import { parseConfigObject, parseConfigText } from "./layer.ts";

const FILE = "/p/.loom.toml";

function configError(text: string): LoomError {
  try {
    parseConfigText(text, FILE);
  } catch (err) {
    assert.ok(err instanceof LoomError && err.code === "CONFIG", String(err));
    return err;
  }
  throw new Error("expected a CONFIG error");
}

const schemaCases: {
  name: string;
  text: string;
  key: string;
  line: number;
  column: number;
  allowed: string;
}[] = [
  {
    name: "an enum value outside its options",
    text: '[model]\ndefault = "a:b"\n\n[sandbox]\n  mode = "fast"\n',
    key: "sandbox.mode",
    line: 5,
    column: 3,
    allowed: 'one of "auto", "bwrap", "off"',
  },
  {
    name: "an integer below its range",
    text: "[shell]\ntimeout_seconds = 0\n",
    key: "shell.timeout_seconds",
    line: 2,
    column: 1,
    allowed: "an integer from 1 to 600",
  },
  {
    name: "a fraction where an integer is wanted",
    text: "[context]\nmax_repo_map_tokens = 1.5\n",
    key: "context.max_repo_map_tokens",
    line: 2,
    column: 1,
    allowed: "an integer from 0 to 200000",
  },
  {
    name: "a string where a boolean is wanted, as a dotted key",
    text: '# c\nsandbox.network = "yes"\n',
    key: "sandbox.network",
    line: 2,
    column: 1,
    allowed: "true or false",
  },
  {
    name: "a number inside an array of strings",
    text: '[permissions]\ndeny = ["shell(rm *)"]\nallow = ["ok", 3]\n',
    key: "permissions.allow[1]",
    line: 3,
    column: 1,
    allowed: "a string",
  },
  {
    name: "a malformed URL inside an inline table",
    text: '[mcp]\nservers = { docs = { url = "not a url" } }\n',
    key: "mcp.servers.docs.url",
    line: 2,
    column: 22,
    allowed: "a URL",
  },
  {
    name: "a missing required key, placed at its table",
    text: '[lsp.servers.ts]\nargs = ["--stdio"]\n',
    key: "lsp.servers.ts.command",
    line: 1,
    column: 1,
    allowed: "a non-empty string",
  },
  {
    name: "a scalar where a section is wanted",
    text: "sandbox = 3\n",
    key: "sandbox",
    line: 1,
    column: 1,
    allowed: "a table",
  },
];

for (const c of schemaCases) {
  Deno.test(`a config file with ${c.name} is a CONFIG error naming file, position, key and what is allowed`, () => {
    const err = configError(c.text);
    assert.deepEqual(err.details, {
      file: FILE,
      line: c.line,
      column: c.column,
      key: c.key,
      allowed: c.allowed,
    });
    assert.match(err.message, /^Cannot load "\/p\/\.loom\.toml": /);
    assert.ok(err.message.includes(`${c.key} at line ${c.line}, column ${c.column}`), err.message);
    assert.ok(err.message.includes(`must be ${c.allowed}`), err.message);
  });
}

Deno.test("a TOML syntax error is a CONFIG error with file, line, column and the key on that line", () => {
  const err = configError('[sandbox]\nmode = "auto"\nnetwork = = true\n');
  assert.equal(err.details?.file, FILE);
  assert.equal(err.details?.line, 3);
  assert.equal(err.details?.column, 11);
  assert.equal(err.details?.key, "sandbox.network");
  assert.match(
    err.message,
    /^Cannot load "\/p\/\.loom\.toml": TOML syntax error at line 3, column 11 \(in sandbox\.network\): .+; fix the file$/,
  );
});

Deno.test("unknown keys and sections become warnings with their line and are dropped", () => {
  const text = [
    "[sandbox]",
    'mode = "off"',
    "modee = 1",
    "[telemetry]",
    "enabled = true",
    "[mcp.servers.gh]",
    'command = "gh"',
    "colour = 1",
  ].join("\n");
  const { layer, warnings } = parseConfigText(text, FILE);
  assert.deepEqual(layer, {
    sandbox: { mode: "off" },
    mcp: { servers: { gh: { command: "gh" } } },
  });
  assert.deepEqual(warnings, [
    `${FILE}:3:1: ignoring unknown key "sandbox.modee"`,
    `${FILE}:4:1: ignoring unknown key "telemetry"`,
    `${FILE}:8:1: ignoring unknown key "mcp.servers.gh.colour"`,
  ]);
});

Deno.test("a valid file yields only what it sets, without defaults filled in", () => {
  const { layer, warnings } = parseConfigText("[shell]\ntimeout_seconds = 30\n", FILE);
  assert.deepEqual(layer, { shell: { timeout_seconds: 30 } });
  assert.deepEqual(warnings, []);
});

Deno.test("flags with a bad value are a CONFIG error naming the key and what is allowed", () => {
  assert.throws(
    () => parseConfigObject({ sandbox: { mode: "none" } }, "flag"),
    (err: unknown) =>
      err instanceof LoomError && err.code === "CONFIG" &&
      err.message ===
        'Cannot use flag "sandbox.mode": it must be one of "auto", "bwrap", "off", not "none"',
  );
});

Deno.test("flags drop undefined values and warn about unknown keys", () => {
  const { layer, warnings } = parseConfigObject(
    { model: { default: undefined, weak: "a:b" }, nope: 1 },
    "flag",
  );
  assert.deepEqual(layer, { model: { weak: "a:b" } });
  assert.deepEqual(warnings, ['flag: ignoring unknown key "nope"']);
});
