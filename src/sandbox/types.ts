/** How children are wrapped: the argv prefix for the OS sandbox, if any. */
export interface SandboxWrapper {
  mode: "bwrap" | "off";
  /** The argv that runs `argv` inside the sandbox with `cwd` as its working directory. */
  wrap(argv: string[], cwd: string): string[];
  /**
   * Called before a sandboxed run. The returned function runs once every process of the run is
   * dead; it removes protected project paths the run created and returns them (project-relative).
   */
  watchProtected?(): Promise<() => Promise<string[]>>;
}
