/**
 * `loom graph`'s command line, parsed like `node:util`'s strict `parseArgs` but without loading
 * it: the node compatibility modules cost every `loom graph context` run a few milliseconds.
 */

/** One option: a string takes a value, a boolean does not; `multiple` collects every use. */
export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
}

/** The values of a parsed command line, by long option name. */
export type ParsedValues = Record<string, string | boolean | string[] | undefined>;

/**
 * Splits `args` into option values and positionals (`--name value`, `--name=value`, `-h`, `--`
 * ends the options). Throws a plain Error naming the bad argument; the caller words it.
 */
export function parseGraphArgs(
  args: readonly string[],
  options: Record<string, OptionSpec>,
): { values: ParsedValues; positionals: string[] } {
  const values: ParsedValues = {};
  const positionals: string[] = [];
  const byShort = new Map(
    Object.entries(options).flatMap(([name, o]) => o.short ? [[o.short, name]] : []),
  );
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    let name: string | undefined;
    let inline: string | undefined;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq === -1 ? undefined : arg.slice(eq + 1);
    } else if (arg.length === 2) {
      name = byShort.get(arg[1]);
      if (name === undefined) throw new Error(`Unknown option '${arg}'`);
    } else {
      throw new Error(`Unknown option '${arg}'`);
    }
    const spec = Object.hasOwn(options, name) ? options[name] : undefined;
    if (!spec) throw new Error(`Unknown option '--${name}'`);
    let value: string | boolean;
    if (spec.type === "boolean") {
      if (inline !== undefined) throw new Error(`Option '--${name}' does not take an argument`);
      value = true;
    } else if (inline !== undefined) {
      value = inline;
    } else {
      const next = args[i + 1];
      if (next === undefined) throw new Error(`Option '--${name} <value>' argument missing`);
      if (next.startsWith("-")) {
        throw new Error(
          `Option '--${name} <value>' argument is ambiguous; did you forget to specify the option argument for '--${name}'?`,
        );
      }
      value = next;
      i++;
    }
    if (spec.multiple) {
      const list = (values[name] as string[] | undefined) ?? [];
      list.push(value as string);
      values[name] = list;
    } else {
      values[name] = value;
    }
  }
  return { values, positionals };
}

/** `path` made absolute against `base` and normalised (POSIX separators, no `.` or `..`). */
export function resolvePath(base: string, path: string): string {
  const joined = path.startsWith("/") ? path : `${base}/${path}`;
  const parts: string[] = [];
  for (const part of joined.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return "/" + parts.join("/");
}
