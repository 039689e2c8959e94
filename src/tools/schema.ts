import { z } from "zod";
import type { Tool } from "./define.ts";

type JsonSchema = Record<string, unknown>;

/**
 * The JSON schema models and MCP clients see for a tool's input. Providers require a top-level
 * `type: "object"`, so a union of objects (the git tool's operations) is flattened into one
 * object whose discriminator is an enum; the tool's own zod schema still validates each call.
 */
export function toolInputSchema(tool: Tool): JsonSchema {
  const schema = z.toJSONSchema(tool.input, { io: "input", unrepresentable: "any" }) as JsonSchema;
  delete schema.$schema;
  const variants = (schema.oneOf ?? schema.anyOf) as JsonSchema[] | undefined;
  if (schema.type === "object" || !Array.isArray(variants)) return schema;
  return flattenUnion(variants);
}

function flattenUnion(variants: JsonSchema[]): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const discriminators = new Map<string, { values: string[]; notes: string[] }>();
  const requiredEverywhere = new Set(variants[0]?.required as string[] ?? []);
  for (const variant of variants) {
    const props = (variant.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((variant.required ?? []) as string[]);
    for (const name of requiredEverywhere) if (!required.has(name)) requiredEverywhere.delete(name);
    for (const [name, prop] of Object.entries(props)) {
      if (typeof prop.const === "string") {
        const entry = discriminators.get(name) ?? { values: [], notes: [] };
        entry.values.push(prop.const);
        if (typeof prop.description === "string") {
          entry.notes.push(`${prop.const}: ${prop.description}`);
        }
        discriminators.set(name, entry);
      } else if (!(name in properties)) {
        properties[name] = prop;
      }
    }
  }
  for (const [name, { values, notes }] of discriminators) {
    properties[name] = { type: "string", enum: values, description: notes.join("; ") };
  }
  return { type: "object", properties, required: [...requiredEverywhere] };
}
