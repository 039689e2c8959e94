import assert from "node:assert/strict";
import { redactSecrets } from "./redact.ts";

Deno.test("redactSecrets hides env values, secret-named strings and URL credentials, and keeps the rest", () => {
  const config = {
    model: { default: "anthropic:claude" },
    context: { max_repo_map_tokens: 2048 },
    mcp: {
      servers: {
        db: { command: "db-mcp", env: { DB_PASSWORD: "hunter2", PLAIN: "x" }, args: ["--v"] },
        web: { url: "https://user:pw@example.com/mcp?key=abc" },
      },
    },
    api_key: "sk-123",
  };
  assert.deepEqual(redactSecrets(config), {
    model: { default: "anthropic:claude" },
    context: { max_repo_map_tokens: 2048 },
    mcp: {
      servers: {
        db: {
          command: "db-mcp",
          env: { DB_PASSWORD: "[redacted]", PLAIN: "[redacted]" },
          args: ["--v"],
        },
        web: { url: "https://[redacted]@example.com/mcp?[redacted]" },
      },
    },
    api_key: "[redacted]",
  });
});
