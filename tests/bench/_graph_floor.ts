/**
 * The floor for the graph benchmark: the SAME SQL statements Loom runs (copied from
 * src/graph/import.ts, store.ts, context.ts and pulse.ts), run directly on node:sqlite with no
 * validation and no mapping to objects beyond what printing needs. graph_bench.ts checks, before
 * timing, that the statement texts match the ones Loom prepares; if Loom's SQL changes, copy it
 * here again. `deno run -A tests/bench/_graph_floor.ts DB` is the floor's whole `graph context`.
 */
import { DatabaseSync } from "node:sqlite";
import type { StatementSync } from "node:sqlite";

/** A prepared-statement cache, as Loom's `DecisionGraph.sql` keeps one. */
export type Prepare = (sql: string) => StatementSync;

/** A statement cache over `db` that also records each statement text into `seen` when given. */
export function floorPrepare(db: DatabaseSync, seen?: Set<string>): Prepare {
  const cache = new Map<string, StatementSync>();
  return (sql) => {
    seen?.add(sql);
    let s = cache.get(sql);
    if (!s) cache.set(sql, s = db.prepare(sql));
    return s;
  };
}

/** Opens like Loom does (busy_timeout, WAL, synchronous=NORMAL, foreign keys). */
export function floorOpen(path: string): DatabaseSync {
  const db = new DatabaseSync(path, { enableForeignKeyConstraints: true, timeout: 5000 });
  db.exec(
    "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON",
  );
  return db;
}

const NODE_COLUMNS =
  "n.id, n.change_id, n.type, n.title, n.body, n.status, n.confidence, n.files, n.branch, n.commit_sha, n.session_id, n.created_at, n.updated_at";

type Row = Record<string, unknown>;

/** Inserts the nodes and edges of a Loom export in one transaction, with import.ts's statements. */
export function floorImport(db: DatabaseSync, q: Prepare, data: { nodes: Row[]; edges: Row[] }) {
  db.exec("BEGIN IMMEDIATE");
  q("SELECT 1 FROM graph_nodes LIMIT 1").get();
  q("SELECT id FROM graph_nodes WHERE change_id = ?"); // prepared by Loom, run only when merging
  const insert = q(
    `INSERT INTO graph_nodes (id, change_id, type, title, body, status, confidence, files, branch,
         commit_sha, session_id, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const n of data.nodes) {
    insert.run(
      n.id as number,
      n.change_id as string,
      n.type as string,
      n.title as string,
      n.body as string,
      n.status as string,
      n.confidence as number | null,
      (n.files as string[]).length === 0 ? "[]" : JSON.stringify(n.files),
      null,
      null,
      null,
      Date.parse(n.created_at as string),
      Date.parse(n.updated_at as string),
    );
  }
  const link = q(
    `INSERT OR IGNORE INTO graph_edges (id, from_id, to_id, type, rationale, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
  );
  for (const e of data.edges) {
    link.run(
      e.id as number,
      e.from as number,
      e.to as number,
      e.type as string,
      e.rationale as string | null,
      Date.parse(e.created_at as string),
    );
  }
  db.exec("COMMIT");
}

/** One durable insert as its own IMMEDIATE transaction, reading the row back as addNode does. */
export function floorInsert(db: DatabaseSync, q: Prepare, title: string): unknown {
  db.exec("BEGIN IMMEDIATE");
  const now = Date.now();
  const row = q(
    `INSERT INTO graph_nodes (change_id, type, title, body, status, confidence, files, branch,
           commit_sha, session_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
  ).get(
    crypto.randomUUID(),
    "observation",
    title,
    "",
    "completed",
    null,
    "[]",
    null,
    null,
    null,
    now,
    now,
  );
  const node = q(`SELECT ${NODE_COLUMNS} FROM graph_nodes n WHERE n.id = ?`).get(row!.id as number);
  db.exec("COMMIT");
  return node;
}

const OPEN = "('pending', 'active')";
const STATUSES = ["pending", "active", "completed", "rejected", "superseded", "abandoned"];
const RECENT = `SELECT ${NODE_COLUMNS} FROM (${
  ["outcome", "observation"].flatMap((type) =>
    STATUSES.map((status) =>
      `SELECT * FROM (SELECT n.id, n.updated_at FROM graph_nodes n WHERE n.type = '${type}'
         AND n.status = '${status}' ORDER BY n.updated_at DESC, n.id DESC LIMIT ?1)`
    )
  ).join(" UNION ALL ")
}) r JOIN graph_nodes n ON n.id = r.id ORDER BY r.updated_at DESC, r.id DESC LIMIT ?1`;

const item = (r: Row) => `- #${r.id} ${r.type} "${r.title}" [${r.status}, ${r.confidence}%]`;

/** context.ts's queries, printed with plain concatenation (no budget fitting). */
export function floorContext(q: Prepare, limit = 25, low = 50): string {
  const out: string[] = [];
  const goals = q(
    `SELECT ${NODE_COLUMNS} FROM graph_nodes n WHERE n.type = 'goal' AND n.status IN ${OPEN}
     ORDER BY n.updated_at DESC, n.id DESC LIMIT ?`,
  ).all(limit);
  for (const g of goals) {
    out.push(item(g));
    const open = q(
      `SELECT ${NODE_COLUMNS} FROM graph_edges e JOIN graph_nodes n ON n.id = e.to_id
       WHERE e.from_id = ? AND n.type = 'decision' AND n.status IN ${OPEN}
         AND NOT EXISTS (SELECT 1 FROM graph_edges c WHERE c.from_id = n.id AND c.type = 'chosen')
       ORDER BY n.updated_at DESC, n.id DESC LIMIT 6`,
    ).all(g.id as number);
    for (const d of open) out.push("  - open decision " + item(d));
  }
  for (
    const r of q(
      `SELECT ${NODE_COLUMNS},
       (SELECT e.rationale FROM graph_edges e WHERE e.to_id = n.id AND e.type = 'rejected'
        ORDER BY e.id DESC LIMIT 1) AS reason,
       (SELECT p.id || char(31) || p.title FROM graph_edges e JOIN graph_nodes p ON p.id = e.from_id
        WHERE e.to_id = n.id AND e.type IN ('rejected', 'leads_to') ORDER BY e.id DESC LIMIT 1) AS parent
     FROM graph_nodes n WHERE n.type IN ('option', 'action') AND n.status = 'rejected'
     ORDER BY n.updated_at DESC, n.id DESC LIMIT ?`,
    ).all(limit)
  ) out.push(`- #${r.id} ${r.type} "${r.title}" for ${r.parent}: ${r.reason}`);
  for (
    const r of q(
      `SELECT ${NODE_COLUMNS}, e.rationale AS reason, p.id || char(31) || p.title AS parent
     FROM graph_edges e JOIN graph_nodes n ON n.id = e.to_id JOIN graph_nodes p ON p.id = e.from_id
     WHERE e.type = 'chosen' AND n.status NOT IN ('rejected', 'superseded', 'abandoned')
     ORDER BY e.id DESC LIMIT ?`,
    ).all(limit)
  ) out.push(`- #${r.id} ${r.type} "${r.title}" for ${r.parent}: ${r.reason}`);
  for (const r of q(RECENT).all(limit)) out.push(`${item(r)} ${r.updated_at}: ${r.body}`);
  const ids = q(
    `SELECT n.id FROM graph_nodes n WHERE n.type = 'decision' AND n.status IN ${OPEN}
       AND n.confidence < ? ORDER BY n.confidence, n.updated_at DESC, n.id`,
  ).all(low).map((r) => r.id);
  for (
    const r of q(
      `SELECT ${NODE_COLUMNS} FROM graph_nodes n WHERE n.id IN (SELECT value FROM json_each(?))`,
    ).all(JSON.stringify(ids.slice(0, limit)))
  ) out.push(item(r));
  const count = (sql: string) => (q(sql).get() as { c: number }).c;
  const totals = [
    count(`SELECT count(*) AS c FROM graph_nodes WHERE type = 'goal' AND status IN ${OPEN}`),
    count(
      `SELECT count(*) AS c FROM graph_nodes WHERE type IN ('option', 'action') AND status = 'rejected'`,
    ),
    count(
      `SELECT (SELECT count(*) FROM graph_edges WHERE type = 'chosen') -
           (SELECT count(*) FROM graph_nodes n CROSS JOIN graph_edges e
            ON e.to_id = n.id AND e.type = 'chosen'
            WHERE n.status IN ('rejected', 'superseded', 'abandoned')) AS c`,
    ),
    count(`SELECT count(*) AS c FROM graph_nodes WHERE type IN ('outcome', 'observation')`),
    ids.length,
  ];
  out.push(totals.join(","));
  return out.join("\n");
}

if (import.meta.main) {
  const db = floorOpen(Deno.args[0]);
  const text = floorContext(floorPrepare(db));
  Deno.stdout.writeSync(new TextEncoder().encode(text.slice(0, 4096) + "\n"));
  db.close();
}

/** pulse.ts's queries, run directly. */
export function floorPulse(q: Prepare, now: number, limit = 10, low = 50): unknown[] {
  const O = "n.status IN ('pending', 'active')";
  const L = "n.status NOT IN ('rejected', 'superseded', 'abandoned')";
  const I = "n.id, n.type, n.title, n.status, n.confidence";
  const list = (where: string, ...p: number[]) => [
    q(`SELECT count(*) AS c FROM graph_nodes n WHERE ${where}`).get(...p),
    q(
      `SELECT ${I} FROM graph_nodes n WHERE ${where} ORDER BY n.updated_at DESC, n.id DESC LIMIT ${limit}`,
    ).all(...p),
  ];
  const child = (type: string) =>
    `EXISTS (SELECT 1 FROM graph_edges e JOIN graph_nodes c ON c.id = e.to_id
             WHERE e.from_id = n.id AND c.type = '${type}')`;
  const grandchild = (via: string, type: string) =>
    `EXISTS (SELECT 1 FROM graph_edges e JOIN graph_nodes c ON c.id = e.to_id
             JOIN graph_edges e2 ON e2.from_id = c.id JOIN graph_nodes g ON g.id = e2.to_id
             WHERE e.from_id = n.id AND c.type = '${via}' AND g.type = '${type}')`;
  const cutoff = now - 14 * 86_400_000;
  const goals = q(
    `SELECT ${I} FROM graph_nodes n WHERE n.type = 'goal' AND ${O}
     ORDER BY n.updated_at DESC, n.id DESC LIMIT ${limit}`,
  ).all();
  return [
    q("SELECT type, status, count(*) AS c FROM graph_nodes GROUP BY type, status").all(),
    q("SELECT count(*) AS c FROM graph_edges").get(),
    q(
      `SELECT CASE WHEN confidence IS NULL THEN 'unset' WHEN confidence < 25 THEN '0-24'
         WHEN confidence < 50 THEN '25-49' WHEN confidence < 75 THEN '50-74' ELSE '75-100' END AS b,
         count(*) AS c FROM graph_nodes GROUP BY b`,
    ).all(),
    goals.map((g) =>
      q(
        `WITH RECURSIVE tree(id, depth) AS (
         SELECT ?, 0 UNION SELECT e.to_id, t.depth + 1 FROM graph_edges e JOIN tree t ON e.from_id = t.id
         WHERE t.depth < 20)
       SELECT count(*) AS descendants, coalesce(sum(${O}), 0) AS open
       FROM (SELECT DISTINCT id FROM tree WHERE id <> ?) d JOIN graph_nodes n ON n.id = d.id`,
      ).get(g.id as number, g.id as number)
    ),
    list(
      `n.type = 'goal' AND ${O} AND NOT ${child("option")} AND NOT ${
        grandchild("decision", "option")
      }`,
    ),
    list(
      `n.type = 'decision' AND ${L} AND NOT ${child("action")} AND NOT ${
        grandchild("option", "action")
      }`,
    ),
    list(`n.type = 'action' AND ${L} AND NOT ${child("outcome")}`),
    list(`n.type <> 'goal' AND NOT EXISTS (SELECT 1 FROM graph_edges e WHERE e.to_id = n.id)`),
    list(
      `${O} AND n.updated_at < ? AND NOT EXISTS (SELECT 1 FROM graph_edges e
       WHERE (e.from_id = n.id OR e.to_id = n.id) AND e.created_at >= ?)`,
      cutoff,
      cutoff,
    ),
    list(`${L} AND n.confidence < ?`, low),
    q(
      `SELECT f.value AS file, count(*) AS count FROM graph_nodes n, json_each(n.files) f
       WHERE ${L} AND n.confidence < ? GROUP BY f.value ORDER BY count DESC, file LIMIT ${limit}`,
    ).all(low),
  ];
}
