import type { MigrationSet } from "../store/mod.ts";
import { EDGE_TYPES, NODE_STATUSES, NODE_TYPES } from "./types.ts";

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(", ");

const V1 = `
CREATE TABLE graph_nodes (
  id INTEGER PRIMARY KEY,
  change_id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL CHECK (type IN (${list(NODE_TYPES)})),
  title TEXT NOT NULL CHECK (length(title) > 0),
  body TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN (${list(NODE_STATUSES)})),
  confidence INTEGER CHECK (confidence BETWEEN 0 AND 100),
  files TEXT NOT NULL DEFAULT '[]',
  branch TEXT,
  commit_sha TEXT,
  session_id TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX graph_nodes_type_status ON graph_nodes (type, status, updated_at);
CREATE INDEX graph_nodes_status_updated ON graph_nodes (status, updated_at);
CREATE INDEX graph_nodes_updated ON graph_nodes (updated_at);

CREATE TABLE graph_edges (
  id INTEGER PRIMARY KEY,
  from_id INTEGER NOT NULL REFERENCES graph_nodes (id) ON DELETE CASCADE,
  to_id INTEGER NOT NULL REFERENCES graph_nodes (id) ON DELETE CASCADE,
  type TEXT NOT NULL CHECK (type IN (${list(EDGE_TYPES)})),
  rationale TEXT,
  created_at INTEGER NOT NULL,
  CHECK (from_id <> to_id),
  UNIQUE (from_id, to_id, type)
) STRICT;
CREATE INDEX graph_edges_to ON graph_edges (to_id, type);
CREATE INDEX graph_edges_type ON graph_edges (type);

CREATE VIRTUAL TABLE graph_fts USING fts5(
  title, body, content = 'graph_nodes', content_rowid = 'id', tokenize = 'porter unicode61'
);
CREATE TRIGGER graph_nodes_ai AFTER INSERT ON graph_nodes BEGIN
  INSERT INTO graph_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER graph_nodes_ad AFTER DELETE ON graph_nodes BEGIN
  INSERT INTO graph_fts (graph_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
END;
CREATE TRIGGER graph_nodes_au AFTER UPDATE OF title, body ON graph_nodes BEGIN
  INSERT INTO graph_fts (graph_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
  INSERT INTO graph_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;
`;

/** The decision graph's numbered migrations. */
export const GRAPH_MIGRATIONS: MigrationSet = {
  scope: "graph",
  migrations: [{ version: 1, name: "nodes, edges, full-text index", sql: V1 }],
};
