import assert from "node:assert/strict";
import { renderToolList, summaryOf } from "./tools_cmd.ts";

Deno.test("summaryOf gives the whole first sentence even when the description wraps inside it", () => {
  const description = "Read a text file. Lines come numbered like `cat -n`: the number,\n" +
    "a tab, then the line.\n\n- `path`: where";
  assert.equal(summaryOf(description), "Read a text file.");
  assert.equal(
    summaryOf("Lines come numbered like `cat -n`: the number,\na tab, then the line.\n"),
    "Lines come numbered like `cat -n`: the number, a tab, then the line.",
  );
  assert.equal(summaryOf("No full stop here\nat all"), "No full stop here at all");
});

Deno.test("renderToolList shows each tool's first sentence, not its first wrapped line", () => {
  const text = renderToolList([{
    name: "file_read",
    title: "Read file",
    description: "Read a file. Lines come numbered like `cat -n`: the number right-aligned,\n" +
      "a tab, then the line.\n",
    annotations: {
      title: "Read file",
      readOnlyHint: true,
      destructiveHint: false,
      idempotentHint: true,
      openWorldHint: false,
    },
    inputSchema: { type: "object", properties: {} },
  }]);
  assert.equal(text, "file_read  (Read file; read-only)\n  Read a file.\n");
});

Deno.test("renderToolList says a one-or-many argument once, and brackets a union in a list", () => {
  const kinds = { type: "string", enum: ["goal", "decision"] };
  const text = renderToolList([{
    name: "decision_query",
    title: "Query decisions",
    description: "Query decisions.",
    annotations: {
      title: "Query decisions",
      readOnlyHint: true,
      destructiveHint: false,
      idempotentHint: true,
      openWorldHint: false,
    },
    inputSchema: {
      type: "object",
      properties: {
        type: { anyOf: [kinds, { type: "array", items: kinds }] },
        tags: { type: "array", items: { anyOf: [{ type: "string" }, { type: "number" }] } },
      },
    },
  }]);
  assert.match(text, /type\?: "goal" \| "decision", or a list of them\n/);
  assert.match(text, /tags\?: \(string \| number\)\[\]\n/);
});
