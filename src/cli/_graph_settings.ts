/** The two settings `loom graph` reads. */
export interface GraphSettings {
  /** `[context] max_decision_context_tokens`. */
  budget: number;
  /** `[graph] stale_days`. */
  staleDays: number;
}

/** The schema's defaults (config/schema.ts; a test keeps them equal). */
export const GRAPH_DEFAULTS: GraphSettings = { budget: 1024, staleDays: 14 };

const KEYS = ["max_decision_context_tokens", "stale_days"];

/**
 * The graph command's settings, without loading the config machinery (zod, TOML, trust: ~30 ms)
 * when nothing could change them: no `LOOM_CONTEXT_*` / `LOOM_GRAPH_*` variable and neither
 * `~/.loom/config.toml` nor `.loom.toml` mentions either key. Otherwise the full loader decides,
 * so precedence, validation and trust stay exactly those of every other command.
 */
export async function readGraphSettings(
  root: string,
  home: string,
  env: Record<string, string>,
): Promise<GraphSettings> {
  const fromEnv = Object.keys(env).some((k) => /^LOOM_(CONTEXT|GRAPH)_/.test(k));
  const files = [`${home}/.loom/config.toml`, `${root}/.loom.toml`];
  const texts = await Promise.all(files.map(readIfPresent));
  const mentioned = texts.some((text) => text !== null && KEYS.some((k) => text.includes(k)));
  if (!fromEnv && !mentioned) return GRAPH_DEFAULTS;
  // A computed specifier: Deno prepares every module a literal `import("...")` names (with its npm
  // packages) before the command starts, which would cost every `loom graph` run ~3 ms.
  const { loadConfig } = await import(
    new URL("../config/mod.ts", import.meta.url).href
  ) as typeof import("../config/mod.ts");
  const { config } = await loadConfig({ root, home, env });
  return {
    budget: config.context.max_decision_context_tokens,
    staleDays: config.graph.stale_days,
  };
}

async function readIfPresent(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    // Unreadable or not a file: let the full loader report it in its own words.
    return KEYS.join(" ");
  }
}
