// The sessions scope of the project database: sessions, their messages, tool calls and usage.
import type { MigrationSet } from "../store/mod.ts";

/** Numbered migrations of the `sessions` scope. */
export const SESSION_MIGRATIONS: MigrationSet = {
  scope: "sessions",
  migrations: [
    {
      version: 1,
      name: "sessions",
      sql: `
CREATE TABLE agent_sessions (
  id TEXT PRIMARY KEY,
  title TEXT,
  parent_id TEXT REFERENCES agent_sessions(id) ON DELETE SET NULL,
  model TEXT NOT NULL,
  system_prompt TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX agent_sessions_updated ON agent_sessions(updated_at);
CREATE TABLE agent_messages (
  session_id TEXT NOT NULL REFERENCES agent_sessions(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  pos INTEGER NOT NULL,
  role TEXT NOT NULL,
  agent_role TEXT NOT NULL DEFAULT 'main',
  content TEXT NOT NULL,
  summary INTEGER NOT NULL DEFAULT 0,
  hidden INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (session_id, seq)
) STRICT;
CREATE TABLE agent_tool_calls (
  session_id TEXT NOT NULL REFERENCES agent_sessions(id) ON DELETE CASCADE,
  call_id TEXT NOT NULL,
  name TEXT NOT NULL,
  input TEXT NOT NULL,
  output TEXT,
  is_error INTEGER,
  code TEXT,
  decision TEXT,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  duration_ms REAL,
  PRIMARY KEY (session_id, call_id)
) STRICT;
CREATE TABLE agent_usage (
  id INTEGER PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES agent_sessions(id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  role TEXT NOT NULL,
  model TEXT NOT NULL,
  input INTEGER NOT NULL,
  output INTEGER NOT NULL,
  cache_read INTEGER NOT NULL,
  cache_write INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX agent_usage_session ON agent_usage(session_id);
CREATE INDEX agent_usage_model ON agent_usage(model);
`,
    },
    {
      // Every usage row is written in the turn it happens; the per-model totals (the dashboard)
      // scan a small table well enough without an index to keep up to date.
      version: 2,
      name: "usage without a model index",
      sql: "DROP INDEX agent_usage_model;",
    },
    {
      // How far each live session journal has been applied, moved in the same transaction as
      // the writes it applies: a journal replayed after a crash applies each record once.
      version: 3,
      name: "session journals",
      sql: `CREATE TABLE agent_journals (
  id TEXT PRIMARY KEY,
  applied INTEGER NOT NULL
) STRICT, WITHOUT ROWID;`,
    },
  ],
};
