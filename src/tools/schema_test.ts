import assert from "node:assert/strict";
import { git } from "./git.ts";
import { fileRead } from "./file_read.ts";
import { toolInputSchema } from "./schema.ts";

Deno.test("toolInputSchema gives plain object schemas as zod describes them", () => {
  const schema = toolInputSchema(fileRead);
  assert.equal(schema.type, "object");
  assert.deepEqual(schema.required, ["path"]);
  assert.equal("$schema" in schema, false);
});

Deno.test("toolInputSchema flattens the git tool's operation union into one object with an enum", () => {
  const schema = toolInputSchema(git);
  assert.equal(schema.type, "object");
  assert.deepEqual(schema.required, ["operation"]);
  const props = schema.properties as Record<string, { enum?: string[]; description?: string }>;
  for (const op of ["status", "diff", "log", "show", "blame", "add", "commit", "stash"]) {
    assert.ok(props.operation.enum?.includes(op), op);
  }
  assert.match(props.operation.description ?? "", /commit: /);
  assert.ok("message" in props && "paths" in props);
});
