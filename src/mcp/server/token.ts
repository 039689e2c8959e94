import { join } from "node:path";

/** Where the HTTP transport's bearer token is kept, relative to the project root. */
export const TOKEN_FILE = ".loom/mcp_token";

/**
 * The bearer token for `loom mcp --http`: `override` (LOOM_MCP_TOKEN) when given, else the one
 * stored in `.loom/mcp_token`, else a new random one written there with mode 0600.
 */
export async function loadOrCreateToken(
  root: string,
  override?: string,
): Promise<{ token: string; source: string }> {
  if (override) return { token: override, source: "LOOM_MCP_TOKEN" };
  const path = join(root, TOKEN_FILE);
  try {
    const stored = (await Deno.readTextFile(path)).trim();
    if (stored.length >= 32) {
      await Deno.chmod(path, 0o600);
      return { token: stored, source: path };
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const token = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  await ensureLoomDir(root);
  await Deno.writeTextFile(path, token + "\n", { mode: 0o600 });
  await Deno.chmod(path, 0o600);
  return { token, source: path };
}

async function ensureLoomDir(root: string): Promise<void> {
  const dir = join(root, ".loom");
  await Deno.mkdir(dir, { recursive: true });
  try {
    await Deno.writeTextFile(join(dir, ".gitignore"), "*\n", { createNew: true });
  } catch (err) {
    if (!(err instanceof Deno.errors.AlreadyExists)) throw err;
  }
}
