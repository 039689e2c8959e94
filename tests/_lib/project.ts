import { join } from "node:path";

/** A throwaway project directory; `using` removes it. */
export interface TempProject extends AsyncDisposable {
  root: string;
  path(rel: string): string;
  write(rel: string, content: string | Uint8Array): Promise<void>;
  read(rel: string): Promise<string>;
  git(...args: string[]): Promise<string>;
}

/** Makes a temp project with the given files, optionally as a git repository with one commit. */
export async function createTempProject(
  files: Record<string, string | Uint8Array> = {},
  options: { git?: boolean } = {},
): Promise<TempProject> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "loom-test-" }));
  const project: TempProject = {
    root,
    path: (rel) => join(root, rel),
    async write(rel, content) {
      const abs = join(root, rel);
      await Deno.mkdir(join(abs, ".."), { recursive: true });
      if (typeof content === "string") await Deno.writeTextFile(abs, content);
      else await Deno.writeFile(abs, content);
    },
    read: (rel) => Deno.readTextFile(join(root, rel)),
    git: (...args) => git(root, args),
    async [Symbol.asyncDispose]() {
      await Deno.remove(root, { recursive: true }).catch(() => {});
    },
  };
  for (const [rel, content] of Object.entries(files)) await project.write(rel, content);
  if (options.git) {
    await git(root, ["init", "-q", "-b", "main"]);
    await git(root, ["config", "user.email", "test@example.com"]);
    await git(root, ["config", "user.name", "Loom Test"]);
    await git(root, ["config", "commit.gpgsign", "false"]);
    await git(root, ["add", "-A"]);
    await git(root, ["commit", "-q", "--allow-empty", "-m", "initial"]);
  }
  return project;
}

async function git(cwd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command("git", {
    args,
    cwd,
    stdin: "null",
    env: { GIT_CONFIG_NOSYSTEM: "1", HOME: cwd },
  }).output();
  if (!out.success) {
    throw new Error(`git ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return new TextDecoder().decode(out.stdout);
}

/** A temp project plus a temp user home (for `~/.loom`), both removed together. */
export async function createProjectAndHome(
  projectFiles: Record<string, string | Uint8Array> = {},
  homeFiles: Record<string, string | Uint8Array> = {},
): Promise<{ project: TempProject; home: TempProject } & AsyncDisposable> {
  const project = await createTempProject(projectFiles);
  const home = await createTempProject(homeFiles);
  return {
    project,
    home,
    async [Symbol.asyncDispose]() {
      await project[Symbol.asyncDispose]();
      await home[Symbol.asyncDispose]();
    },
  };
}
