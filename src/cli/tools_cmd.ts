import type { Tool } from "../tools/define.ts";
import { toolInputSchema } from "../tools/schema.ts";

/** A tool as listed to users and MCP clients. */
export interface ToolListing {
  name: string;
  title: string;
  description: string;
  annotations: Tool["annotations"];
  inputSchema: Record<string, unknown>;
}

/** The JSON-schema listing of every tool. */
export function listTools(tools: ReadonlyMap<string, Tool>): ToolListing[] {
  return [...tools.values()].map((tool) => ({
    name: tool.name,
    title: tool.annotations.title,
    description: tool.description,
    annotations: tool.annotations,
    inputSchema: toolInputSchema(tool),
  }));
}

/** The first sentence of a description, on one line (descriptions wrap mid-sentence). */
export function summaryOf(description: string): string {
  const paragraph = description.trim().split(/\n\s*\n/)[0].replace(/\s+/g, " ");
  const end = paragraph.search(/[.!?](\s|$)/);
  return end === -1 ? paragraph : paragraph.slice(0, end + 1);
}

/** Human-readable listing: name, title, first sentence of the description, then the parameters. */
export function renderToolList(listing: ToolListing[]): string {
  const out: string[] = [];
  for (const tool of listing) {
    const flags = [
      tool.annotations.readOnlyHint ? "read-only" : "writes",
      tool.annotations.destructiveHint ? "destructive" : "",
    ].filter(Boolean).join(", ");
    out.push(`${tool.name}  (${tool.title}; ${flags})`);
    out.push(`  ${summaryOf(tool.description)}`);
    const props = (tool.inputSchema.properties ?? {}) as Record<string, Record<string, unknown>>;
    const required = new Set((tool.inputSchema.required ?? []) as string[]);
    for (const [name, schema] of Object.entries(props)) {
      const type = schemaType(schema);
      const mark = required.has(name) ? "" : "?";
      const about = typeof schema.description === "string" ? `  ${schema.description}` : "";
      out.push(`    ${name}${mark}: ${type}${about}`);
    }
    out.push("");
  }
  return out.join("\n");
}

function schemaType(schema: Record<string, unknown>): string {
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (Array.isArray(schema.anyOf)) {
    const options = schema.anyOf as Record<string, unknown>[];
    // `X | X[]` (one value or a list of them) is said once.
    const [one, many] = options;
    if (
      options.length === 2 && many.type === "array" &&
      JSON.stringify(many.items) === JSON.stringify(one)
    ) return `${schemaType(one)}, or a list of them`;
    return options.map(schemaType).join(" | ");
  }
  if (schema.type === "array" && schema.items) {
    const item = schemaType(schema.items as Record<string, unknown>);
    return item.includes(" | ") ? `(${item})[]` : `${item}[]`;
  }
  return typeof schema.type === "string" ? schema.type : "value";
}
