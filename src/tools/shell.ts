import { z } from "zod";
import { cutText, LoomError } from "../core/mod.ts";
import type { ProgressUpdate, RunResult } from "../core/mod.ts";
import { defineTool } from "./define.ts";
import type { ToolContext } from "./define.ts";
import DESCRIPTION from "./shell.md" with { type: "text" };

const MAX_TIMEOUT_SECONDS = 600;
/** Per stream, for the model; the head and tail are kept. */
const MAX_OUTPUT_BYTES = 30_000;
const PROGRESS_INTERVAL_MS = 250;
const SHOWN_COMMAND_CHARS = 80;
/**
 * Pagers, prompts and editors would wait for a terminal that is not there (`git commit` without
 * -m opened vi and hung until the timeout); `true` as the editor ends such a command at once.
 */
const SHELL_ENV = {
  PAGER: "cat",
  GIT_PAGER: "cat",
  GIT_TERMINAL_PROMPT: "0",
  GIT_EDITOR: "true",
  EDITOR: "true",
  VISUAL: "true",
};

/** Runs a bash command line in the project (under the OS sandbox when there is one). */
export const shell = defineTool({
  name: "shell",
  description: DESCRIPTION,
  input: z.object({
    command: z.string().min(1).describe("The bash command line to run (bash -c)"),
    timeout: z.number().positive().max(MAX_TIMEOUT_SECONDS).optional().describe(
      `Seconds before the command and everything it started are killed (default from config, 120; max ${MAX_TIMEOUT_SECONDS})`,
    ),
    cwd: z.string().min(1).optional().describe(
      "Directory to run in: project-relative (default the project root)",
    ),
    description: z.string().optional().describe(
      "A few words saying what the command does, shown to the person approving it",
    ),
  }),
  output: z.object({
    exitCode: z.number().int().nullable().describe("Exit code, or null when killed by a signal"),
    timedOut: z.boolean().describe("True when the timeout killed the command"),
    sandboxed: z.boolean().describe("False when the command ran without the OS sandbox"),
    durationMs: z.number().describe("Wall-clock time"),
  }),
  annotations: {
    title: "Run shell command",
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: false,
    openWorldHint: false,
  },
  async permission(input, ctx) {
    if (input.cwd !== undefined) await ctx.guard.resolveForRead(input.cwd);
    return { kind: "shell", tool: "shell", command: input.command };
  },
  async run(input, ctx) {
    const cwd = await resolveDirectory(input.cwd ?? ".", ctx);
    const timeoutSeconds = input.timeout ?? ctx.config.shell.timeout_seconds;
    const shown = showCommand(input.command);
    if (ctx.signal.aborted) {
      throw new LoomError("CANCELLED", `Cannot run "${shown}": the call was cancelled`);
    }
    const result = await ctx.runner.run(["bash", "--noprofile", "--norc", "-c", input.command], {
      cwd,
      timeoutMs: Math.round(timeoutSeconds * 1000),
      signal: ctx.signal,
      maxOutputBytes: MAX_OUTPUT_BYTES,
      env: SHELL_ENV,
      onOutput: ctx.onProgress ? progressReporter(ctx.onProgress) : undefined,
    });
    const text = formatResult(result, timeoutSeconds);
    if (result.timedOut) {
      throw new LoomError(
        "TIMEOUT",
        `Cannot finish "${shown}": it ran past its ${timeoutSeconds}s timeout; run it with a larger timeout (max ${MAX_TIMEOUT_SECONDS}) or make it finish sooner\n${text}`,
        { details: structured(result) },
      );
    }
    if (result.cancelled) {
      throw new LoomError(
        "CANCELLED",
        `Cannot finish "${shown}": the call was cancelled\n${text}`,
        {
          details: structured(result),
        },
      );
    }
    return { text, structured: structured(result) };
  },
});

async function resolveDirectory(path: string, ctx: ToolContext): Promise<string> {
  const guarded = await ctx.guard.resolveForRead(path);
  if (!guarded.exists) {
    throw new LoomError("NOT_FOUND", `Cannot run in "${path}": no such directory`);
  }
  const info = await Deno.stat(guarded.abs);
  if (!info.isDirectory) {
    throw new LoomError(
      "INVALID_INPUT",
      `Cannot run in "${guarded.rel}": it is a file, not a directory; give its directory as cwd`,
    );
  }
  return guarded.abs;
}

/** The text the model sees: exit status, both streams labelled, and every notice that applies. */
export function formatResult(result: RunResult, timeoutSeconds: number): string {
  const lines: string[] = [];
  lines.push(
    result.code !== null ? `exit code: ${result.code}` : `killed by ${result.signal ?? "a signal"}`,
  );
  if (!result.sandboxed) lines.push("[ran without the OS sandbox: full access as your user]");
  if (result.timedOut) {
    lines.push(`[timed out after ${timeoutSeconds}s; the process group was killed]`);
  }
  if (result.cancelled) lines.push("[cancelled; the process group was killed]");
  if (result.stdout !== "") lines.push("stdout:", trimEnd(result.stdout));
  if (result.stderr !== "") lines.push("stderr:", trimEnd(result.stderr));
  if (result.stdout === "" && result.stderr === "") lines.push("(no output)");
  if (result.droppedBytes > 0) {
    lines.push(
      `[output truncated: ${result.droppedBytes} bytes dropped from the middle; redirect to a file and search it for the rest]`,
    );
  }
  for (const rel of result.reverted ?? []) {
    lines.push(
      `[removed "${rel}": sandboxed commands may not create .git, LOOM.md or .loom.toml]`,
    );
  }
  return lines.join("\n");
}

function structured(result: RunResult): Record<string, unknown> {
  return {
    exitCode: result.code,
    timedOut: result.timedOut,
    sandboxed: result.sandboxed,
    durationMs: result.durationMs,
  };
}

/** Forwards output as progress: bytes so far, and the latest line, at most every 250 ms. */
function progressReporter(
  onProgress: (update: ProgressUpdate) => void,
): (stream: "stdout" | "stderr", chunk: Uint8Array) => void {
  const decoder = new TextDecoder();
  let bytes = 0;
  let last = -Infinity;
  return (_stream, chunk) => {
    bytes += chunk.length;
    const now = performance.now();
    if (now - last < PROGRESS_INTERVAL_MS) return;
    last = now;
    const tail = decoder.decode(chunk.subarray(Math.max(0, chunk.length - 400)));
    const line = tail.split("\n").map((l) => l.trim()).filter((l) => l !== "").at(-1);
    onProgress({ progress: bytes, message: line === undefined ? undefined : cutText(line, 200) });
  };
}

function showCommand(command: string): string {
  const one = command.replaceAll("\n", " ").trim();
  return one.length > SHOWN_COMMAND_CHARS ? `${cutText(one, SHOWN_COMMAND_CHARS - 3)}...` : one;
}

function trimEnd(text: string): string {
  return text.endsWith("\n") ? text.slice(0, -1) : text;
}
