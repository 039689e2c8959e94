// A tiny REPL over the line editor, slash commands and permission prompt, for the pty test.
// Usage: deno run -A tests/repl_pieces_demo.ts HISTORY_FILE
import { isLoomError } from "../src/core/mod.ts";
import { createStyle, detectTerminal } from "../src/cli/render/mod.ts";
import {
  askPermission,
  createCommandRegistry,
  createDenoTerminal,
  createLineEditor,
  defaultCommands,
  openHistoryFile,
  type SlashCommand,
} from "../src/cli/repl/mod.ts";

const io = createDenoTerminal();
const style = createStyle(
  detectTerminal({ isTty: Deno.stdout.isTerminal(), noColor: Deno.env.has("NO_COLOR") }).color,
);
type Ctx = { ask(): Promise<string> };
const perm: SlashCommand<Ctx> = {
  name: "perm",
  help: "Ask a permission question",
  run: async (_args, ctx) => ({ text: await ctx.ask() }),
};
const registry = createCommandRegistry<Ctx>([...defaultCommands<Ctx>(), perm]);
const ctx: Ctx = {
  async ask() {
    const reply = await askPermission(editor.keys, io, {
      request: { kind: "shell", tool: "shell", command: "rm -rf build" },
      decision: {
        action: "ask",
        rule: "ask: shell(rm *)",
        source: ".loom.toml",
        reason: "rm deletes files",
      },
      input: { command: "rm -rf build", timeout_ms: 5000 },
    }, style);
    return `answer=${reply.answer} reason=${reply.reason ?? "-"}`;
  },
};
const editor = await createLineEditor(io, {
  history: openHistoryFile(Deno.args[0]),
  complete: registry.completer(ctx),
});

while (true) {
  const result = await editor.read("demo> ");
  if (result.type === "interrupt") {
    io.write("(interrupted; Ctrl-C again to exit)\n");
    continue;
  }
  if (result.type !== "line") {
    io.write(`bye (${result.type})\n`);
    break;
  }
  if (result.text.startsWith("/")) {
    try {
      const out = await registry.run(result.text, ctx);
      if (out.text) io.write(`${out.text}\n`);
      if (out.exit) {
        io.write("bye (quit)\n");
        break;
      }
    } catch (err) {
      if (!isLoomError(err)) throw err;
      io.write(`${err.message}\n`);
    }
    continue;
  }
  io.write(`you said: ${JSON.stringify(result.text)}\n`);
}
