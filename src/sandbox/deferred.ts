import type { ProcessRunner } from "../core/mod.ts";

/**
 * A runner built on first use. Choosing the sandbox means probing bubblewrap (a process spawn),
 * which calls that never start a child (reads, searches with the built-in engine) should not pay.
 * Runs that opt out of the sandbox go straight to `unsandboxed`. `sandboxMode` reads "off" until
 * the first sandboxed run has resolved the real runner.
 */
export function createDeferredRunner(
  build: () => Promise<ProcessRunner>,
  unsandboxed: ProcessRunner,
): ProcessRunner {
  let built: Promise<ProcessRunner> | undefined;
  let ready: ProcessRunner | undefined;
  const get = () =>
    built ??= build().then((runner) => {
      ready = runner;
      return runner;
    });
  return {
    get sandboxMode() {
      return ready?.sandboxMode ?? "off";
    },
    run: async (argv, options) =>
      options.sandbox === false ? unsandboxed.run(argv, options) : (await get()).run(argv, options),
  };
}
