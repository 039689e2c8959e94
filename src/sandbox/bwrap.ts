import { isAbsolute, join, relative, sep } from "node:path";
import type { SandboxWrapper } from "./types.ts";

/** Project paths a sandboxed command may read but never write (the guard's protected paths). */
export const PROTECTED_NAMES = [".git", ".loom", "LOOM.md", ".loom.toml"];
/**
 * Protected names a sandboxed command must not create; they are removed after the run.
 * `.loom` is not among them: Loom creates it lazily itself (a concurrent tool call could), so the
 * host should create `.loom/` before the first run, which then binds it read-only.
 */
export const REVERTED_NAMES = [".git", "LOOM.md", ".loom.toml"];
/** Home-relative places that hold credentials; hidden inside the sandbox where they exist. */
export const HOME_SECRETS = [
  ".loom",
  ".ssh",
  ".aws",
  ".gnupg",
  ".azure",
  ".kube",
  ".docker",
  ".config/gh",
  ".config/hub",
  ".config/gcloud",
  ".password-store",
  ".local/share/keyrings",
  ".netrc",
  ".npmrc",
  ".pypirc",
  ".pgpass",
  ".git-credentials",
  ".vault-token",
  ".cargo/credentials",
  ".cargo/credentials.toml",
];
/** Host sockets and runtime dirs that would reach privileged daemons or the user's session. */
export const HOST_SECRETS = [
  "/run/user",
  "/run/dbus",
  "/run/docker.sock",
  "/var/run/docker.sock",
  "/run/containerd",
  "/run/podman",
  "/run/secrets",
];

/** Names the variable carrying {@link findSecretPaths}'s answer to a re-executed Loom. */
export const HIDE_ENV = "LOOM_SANDBOX_HIDE";

/** A credential path that exists, and whether it is a directory (tmpfs) or a file (/dev/null). */
export interface SecretPath {
  path: string;
  dir: boolean;
}

/**
 * The credential paths that exist here: `hostPaths` plus HOME_SECRETS under `home`. The MCP
 * front end finds them before narrowing its own Deno permissions and hands them on (HIDE_ENV),
 * so the sandboxed process never needs read access to the credentials it hides.
 */
export function findSecretPaths(home?: string, hostPaths: string[] = HOST_SECRETS): SecretPath[] {
  const found: SecretPath[] = [];
  for (const path of [...hostPaths, ...(home ? HOME_SECRETS.map((p) => join(home, p)) : [])]) {
    try {
      found.push({ path, dir: Deno.statSync(path).isDirectory });
    } catch {
      // Absent (or unreadable, and then it is none of ours to hide).
    }
  }
  return found;
}

/** Reads a HIDE_ENV value; anything malformed counts as no list. */
export function parseSecretPaths(text: string | undefined): SecretPath[] | undefined {
  if (text === undefined || text === "") return undefined;
  try {
    const data: unknown = JSON.parse(text);
    if (!Array.isArray(data)) return undefined;
    const ok = data.every((e) =>
      typeof e?.path === "string" && isAbsolute(e.path) && typeof e.dir === "boolean"
    );
    return ok ? data.map((e) => ({ path: e.path, dir: e.dir })) : undefined;
  } catch {
    return undefined;
  }
}

/** Where the sandbox is rooted and what it lets through. */
export interface BwrapOptions {
  /** The project root, realpath'd: the only writable host directory. */
  root: string;
  /** Leave the network namespace shared (otherwise only a private loopback exists). */
  network: boolean;
  bwrapPath: string;
  /** Project-relative paths bound read-only; default PROTECTED_NAMES (matched case-insensitively at the root). */
  protectedPaths?: string[];
  /** The user's home: HOME_SECRETS beneath it are hidden. */
  home?: string;
  /** Extra absolute paths to hide (default HOST_SECRETS). */
  hiddenPaths?: string[];
  /**
   * Credential paths found earlier by {@link findSecretPaths} (by a process that could still
   * see them); hidden as listed, in addition to whatever of the above can be seen now.
   */
  secrets?: SecretPath[];
}

/**
 * A bubblewrap wrapper: read-only system, private /tmp, writable project minus its protected
 * paths, credentials hidden, no network unless allowed, all capabilities dropped (bwrap keeps
 * them when run as root), fresh PID/IPC/UTS namespaces and death with the parent.
 *
 * No `--new-session`: the runner spawns bwrap detached, so it already leads a new session with
 * no controlling terminal, and keeping every sandboxed process in that one process group lets a
 * single kill(-pgid) reach them all.
 */
export function createBwrapWrapper(options: BwrapOptions): SandboxWrapper {
  const reverted = (options.protectedPaths ?? PROTECTED_NAMES)
    .filter((p) => !p.includes("/") && REVERTED_NAMES.some((r) => sameName(r, p)));
  return {
    mode: "bwrap",
    wrap: (argv, cwd) => bwrapArgv(options, argv, cwd),
    watchProtected: () => watchCreated(options.root, reverted),
  };
}

/** The full bwrap argv for `argv` run in `cwd`. */
export function bwrapArgv(options: BwrapOptions, argv: string[], cwd: string): string[] {
  const root = options.root;
  const seen = findSecretPaths(options.home, options.hiddenPaths ?? HOST_SECRETS);
  const listed = (options.secrets ?? []).filter((e) => !seen.some((s) => s.path === e.path));
  const hidden = [...seen, ...listed].flatMap((secret) => hideArgs(secret, root));
  const outside = hidden.filter((h) => !h.inRoot).flatMap((h) => h.args);
  const inside = hidden.filter((h) => h.inRoot).flatMap((h) => h.args);
  const protectedArgs = protectedPathsIn(root, options.protectedPaths ?? PROTECTED_NAMES)
    .flatMap((p) => ["--ro-bind-try", p, p]);
  return [
    options.bwrapPath,
    ...["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"],
    ...outside,
    ...["--bind", root, root],
    ...protectedArgs,
    ...inside,
    ...["--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"],
    ...(options.network ? [] : ["--unshare-net"]),
    ...["--cap-drop", "ALL", "--die-with-parent", "--chdir", cwd, "--"],
    ...argv,
  ];
}

/** Absolute protected paths: the canonical names plus any case variant present at the root. */
function protectedPathsIn(root: string, names: string[]): string[] {
  const out = new Set(names.map((n) => join(root, n)));
  for (const entry of rootEntries(root)) {
    if (names.some((n) => !n.includes("/") && sameName(n, entry))) out.add(join(root, entry));
  }
  return [...out];
}

function hideArgs(secret: SecretPath, root: string): { inRoot: boolean; args: string[] }[] {
  const { path } = secret;
  const inRoot = isWithin(path, root);
  // /tmp is a fresh tmpfs already; mounting there would only add empty mount points.
  if (!inRoot && isWithin(path, "/tmp")) return [];
  // Absent paths never get here: a mount point would create a stray host file.
  const args = secret.dir ? ["--tmpfs", path] : ["--ro-bind", "/dev/null", path];
  return [{ inRoot, args }];
}

/** Snapshot of root entries matching `names`; the returned function removes those created since. */
function watchCreated(root: string, names: string[]): Promise<() => Promise<string[]>> {
  const matching = () => rootEntries(root).filter((e) => names.some((n) => sameName(n, e)));
  const before = new Set(matching());
  return Promise.resolve(async () => {
    const created = matching().filter((e) => !before.has(e));
    for (const entry of created) {
      // Deno.remove does not follow a symlink: a planted link is removed, never its target.
      await Deno.remove(join(root, entry), { recursive: true }).catch(() => {});
    }
    return created;
  });
}

function rootEntries(root: string): string[] {
  try {
    return [...Deno.readDirSync(root)].map((e) => e.name);
  } catch {
    return [];
  }
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function isWithin(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}
