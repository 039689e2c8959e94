import { delimiter, join } from "node:path";
import { LoomError } from "../core/mod.ts";
import { createBwrapWrapper, HIDE_ENV, parseSecretPaths } from "./bwrap.ts";
import type { SecretPath } from "./bwrap.ts";
import type { SandboxWrapper } from "./types.ts";

const PROBE_TIMEOUT_MS = 10_000;
const INSTALL = "install bubblewrap (apt-get install bubblewrap)";
const OR_OFF = 'or set sandbox.mode = "off" in .loom.toml';

/** What to pick the sandbox from. `env` supplies PATH and HOME; nothing is read from the process. */
export interface ResolveSandboxOptions {
  mode: "auto" | "bwrap" | "off";
  network: boolean;
  /** The project root, realpath'd. */
  root: string;
  env: Record<string, string>;
  /** The user's home (default env.HOME): its credential dirs are hidden in the sandbox. */
  home?: string;
  /** Credential paths found before Deno's permissions were narrowed (default: env.LOOM_SANDBOX_HIDE). */
  secrets?: SecretPath[];
  /** Finds a program (default: a PATH lookup in `env`). */
  findBinary?: (name: string) => Promise<string | null>;
  /** Run bwrap once to check it works here (default true). */
  probe?: boolean;
  /** The platform (default Deno.build.os); bubblewrap exists only on Linux. */
  os?: string;
}

/** The chosen wrapper, and a sentence saying why (for `loom doctor` and the shell tool). */
export interface ResolvedSandbox {
  wrapper: SandboxWrapper;
  mode: "bwrap" | "off";
  reason: string;
}

const OFF: SandboxWrapper = { mode: "off", wrap: (argv) => argv };

/**
 * Picks the OS sandbox: `off` as asked; `bwrap` or throws UNAVAILABLE; `auto` uses bubblewrap when
 * it is installed and a probe run succeeds, else runs unsandboxed and says why.
 */
export async function resolveSandbox(options: ResolveSandboxOptions): Promise<ResolvedSandbox> {
  if (options.mode === "off") {
    return { wrapper: OFF, mode: "off", reason: 'sandbox.mode is "off"' };
  }
  const unavailable = (why: string, fix = INSTALL): ResolvedSandbox => {
    if (options.mode === "bwrap") {
      throw new LoomError("UNAVAILABLE", `Cannot start the sandbox: ${why}; ${fix} ${OR_OFF}`);
    }
    return {
      wrapper: OFF,
      mode: "off",
      reason: `commands run unsandboxed: ${why}; ${fix} to sandbox them`,
    };
  };
  const os = options.os ?? Deno.build.os;
  if (os !== "linux") {
    return unavailable(`bubblewrap runs only on Linux, not ${os}`, "run Loom on Linux");
  }
  const find = options.findBinary ?? ((name: string) => findOnPath(name, options.env));
  const bwrapPath = await find("bwrap");
  if (bwrapPath === null) return unavailable("bwrap is not on PATH");
  const wrapper = createBwrapWrapper({
    root: options.root,
    network: options.network,
    bwrapPath,
    home: options.home ?? options.env.HOME,
    secrets: options.secrets ?? parseSecretPaths(options.env[HIDE_ENV]),
  });
  if (options.probe !== false) {
    const failure = await probeWrapper(wrapper, options.root, options.env);
    if (failure !== null) {
      const fix = "allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1)";
      return unavailable(`${bwrapPath} does not work here (${failure})`, fix);
    }
  }
  const net = options.network ? "network allowed" : "no network";
  return { wrapper, mode: "bwrap", reason: `commands run under ${bwrapPath} (${net})` };
}

/**
 * Runs `true` through the wrapper; returns null when it worked, else what went wrong (for
 * example "No permissions to create new namespace" where user namespaces are disabled).
 */
export async function probeWrapper(
  wrapper: SandboxWrapper,
  cwd: string,
  env: Record<string, string>,
): Promise<string | null> {
  const argv = wrapper.wrap(["true"], cwd);
  try {
    const out = await new Deno.Command(argv[0], {
      args: argv.slice(1),
      cwd,
      env: { PATH: env.PATH ?? "/usr/local/bin:/usr/bin:/bin" },
      clearEnv: true,
      stdin: "null",
      stdout: "null",
      stderr: "piped",
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    }).output();
    if (out.success) return null;
    const stderr = new TextDecoder().decode(out.stderr).trim().split("\n").at(-1) ?? "";
    return stderr || `exit code ${out.code}`;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** The first executable `name` on env.PATH, or null. A name with a slash is checked as given. */
export async function findOnPath(
  name: string,
  env: Record<string, string>,
): Promise<string | null> {
  if (name.includes("/")) return await isExecutableFile(name) ? name : null;
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return null;
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    const info = await Deno.stat(path);
    return info.isFile && info.mode !== null && (info.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}
