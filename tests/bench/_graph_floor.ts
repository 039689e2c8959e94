/**
 * The floor for the graph benchmark: the straightforward SQL for the same results, run directly
 * on node:sqlite with no validation, no mapping to objects beyond what printing needs. (Loom's
 * context builder has since moved to index-friendlier SQL for "recent", "uncertain" and the
 * chosen count; the floor keeps the plain queries any direct implementation would write.)
 * `deno run -A tests/bench/_graph_floor.ts DB` is the floor's whole `graph context` command.
 */
import { DatabaseSync } from "node:sqlite";
import type { StatementSync } from "node:sqlite";

const OPEN = "('pending', 'active')";

/** Opens like Loom does (WAL, synchronous=NORMAL, busy_timeout, foreign keys). */
export function floorOpen(path: string): DatabaseSync {
  const db = new DatabaseSync(path, { enableForeignKeyConstraints: true, timeout: 5000 });
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON");
  return db;
}

type Row = Record<string, unknown>;

/** Inserts the nodes and edges of a Loom export in one transaction. */
export function floorImport(db: DatabaseSync, data: { nodes: Row[]; edges: Row[] }): void {
  db.exec("BEGIN IMMEDIATE");
  const node = db.prepare(
    `INSERT INTO graph_nodes (id, change_id, type, title, body, status, confidence, files, branch,
       commit_sha, session_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const n of data.nodes) {
    node.run(
      n.id as number,
      n.change_id as string,
      n.type as string,
      n.title as string,
      n.body as string,
      n.status as string,
      n.confidence as number | null,
      JSON.stringify(n.files),
      null,
      null,
      null,
      Date.parse(n.created_at as string),
      Date.parse(n.updated_at as string),
    );
  }
  const edge = db.prepare(
    `INSERT OR IGNORE INTO graph_edges (id, from_id, to_id, type, rationale, created_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  for (const e of data.edges) {
    edge.run(
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

/** One durable insert, as its own IMMEDIATE transaction. */
export function floorInsert(db: DatabaseSync, insert: StatementSync, title: string): void {
  db.exec("BEGIN IMMEDIATE");
  insert.run(
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
    Date.now(),
    Date.now(),
  );
  db.exec("COMMIT");
}

/** The context builder's queries, with the fewest string operations that still print them. */
export function floorContext(db: DatabaseSync, cache: Map<string, StatementSync>): string {
  const q = (sql: string) => {
    let s = cache.get(sql);
    if (!s) cache.set(sql, s = db.prepare(sql));
    return s;
  };
  const out: string[] = [];
  for (
    const g of q(
      `SELECT n.id, n.title FROM graph_nodes n WHERE n.type = 'goal' AND n.status IN ${OPEN} ORDER BY n.updated_at DESC, n.id DESC LIMIT 25`,
    ).all()
  ) {
    out.push(`- #${g.id} ${g.title}`);
    for (
      const d of q(
        `SELECT n.id, n.title FROM graph_edges e JOIN graph_nodes n ON n.id = e.to_id WHERE e.from_id = ? AND n.type = 'decision' AND n.status IN ${OPEN} AND NOT EXISTS (SELECT 1 FROM graph_edges c WHERE c.from_id = n.id AND c.type = 'chosen') ORDER BY n.updated_at DESC, n.id DESC LIMIT 6`,
      ).all(g.id as number)
    ) {
      out.push(`  - #${d.id} ${d.title}`);
    }
  }
  for (
    const r of q(
      `SELECT n.id, n.title, (SELECT e.rationale FROM graph_edges e WHERE e.to_id = n.id AND e.type = 'rejected' ORDER BY e.id DESC LIMIT 1) AS reason, (SELECT p.id || char(31) || p.title FROM graph_edges e JOIN graph_nodes p ON p.id = e.from_id WHERE e.to_id = n.id AND e.type IN ('rejected', 'leads_to') ORDER BY e.id DESC LIMIT 1) AS parent FROM graph_nodes n WHERE n.type IN ('option', 'action') AND n.status = 'rejected' ORDER BY n.updated_at DESC, n.id DESC LIMIT 25`,
    ).all()
  ) {
    out.push(`- #${r.id} ${r.title} ${r.parent}: ${r.reason}`);
  }
  for (
    const r of q(
      `SELECT n.id, n.title, e.rationale AS reason, p.id || char(31) || p.title AS parent FROM graph_edges e JOIN graph_nodes n ON n.id = e.to_id JOIN graph_nodes p ON p.id = e.from_id WHERE e.type = 'chosen' AND n.status NOT IN ('rejected', 'superseded', 'abandoned') ORDER BY e.id DESC LIMIT 25`,
    ).all()
  ) {
    out.push(`- #${r.id} ${r.title} ${r.parent}: ${r.reason}`);
  }
  for (
    const r of q(
      `SELECT n.id, n.title, n.body FROM graph_nodes n WHERE n.type IN ('outcome', 'observation') ORDER BY n.updated_at DESC, n.id DESC LIMIT 25`,
    ).all()
  ) {
    out.push(`- #${r.id} ${r.title}`);
  }
  for (
    const r of q(
      `SELECT n.id, n.title FROM graph_nodes n WHERE n.type = 'decision' AND n.status IN ${OPEN} AND n.confidence < ? ORDER BY n.confidence, n.updated_at DESC LIMIT ?`,
    ).all(50, 25)
  ) {
    out.push(`- #${r.id} ${r.title}`);
  }
  const counts = [
    q(`SELECT count(*) AS c FROM graph_nodes WHERE type = 'goal' AND status IN ${OPEN}`).get(),
    q(`SELECT count(*) AS c FROM graph_nodes WHERE type IN ('option', 'action') AND status = 'rejected'`)
      .get(),
    q(`SELECT count(*) AS c FROM graph_edges e JOIN graph_nodes n ON n.id = e.to_id WHERE e.type = 'chosen' AND n.status NOT IN ('rejected', 'superseded', 'abandoned')`)
      .get(),
    q(`SELECT count(*) AS c FROM graph_nodes WHERE type IN ('outcome', 'observation')`).get(),
    q(`SELECT count(*) AS c FROM graph_nodes WHERE type = 'decision' AND status IN ${OPEN} AND confidence < ?`)
      .get(50),
  ];
  out.push(counts.map((c) => c!.c).join(","));
  return out.join("\n");
}

if (import.meta.main) {
  const db = new DatabaseSync(Deno.args[0], { timeout: 5000 });
  db.exec("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON");
  const text = floorContext(db, new Map());
  Deno.stdout.writeSync(new TextEncoder().encode(text.slice(0, 4096) + "\n"));
  db.close();
}

/** The pulse's queries, run directly. */
export function floorPulse(
  db: DatabaseSync,
  cache: Map<string, StatementSync>,
  now: number,
): unknown[] {
  const q = (sql: string) => {
    let s = cache.get(sql);
    if (!s) cache.set(sql, s = db.prepare(sql));
    return s;
  };
  const O = "n.status IN ('pending', 'active')";
  const L = "n.status NOT IN ('rejected', 'superseded', 'abandoned')";
  const I = "n.id, n.type, n.title, n.status, n.confidence";
  const list = (where: string, ...p: number[]) => [
    q(`SELECT count(*) AS c FROM graph_nodes n WHERE ${where}`).get(...p),
    q(`SELECT ${I} FROM graph_nodes n WHERE ${where} ORDER BY n.updated_at DESC, n.id DESC LIMIT 10`)
      .all(...p),
  ];
  const child = (t: string) =>
    `EXISTS (SELECT 1 FROM graph_edges e JOIN graph_nodes c ON c.id = e.to_id WHERE e.from_id = n.id AND c.type = '${t}')`;
  const grand = (v: string, t: string) =>
    `EXISTS (SELECT 1 FROM graph_edges e JOIN graph_nodes c ON c.id = e.to_id JOIN graph_edges e2 ON e2.from_id = c.id JOIN graph_nodes g ON g.id = e2.to_id WHERE e.from_id = n.id AND c.type = '${v}' AND g.type = '${t}')`;
  const cutoff = now - 14 * 86_400_000;
  const goals = q(
    `SELECT ${I} FROM graph_nodes n WHERE n.type = 'goal' AND ${O} ORDER BY n.updated_at DESC, n.id DESC LIMIT 10`,
  ).all();
  return [
    q("SELECT type, status, count(*) AS c FROM graph_nodes GROUP BY type, status").all(),
    q("SELECT count(*) AS c FROM graph_edges").get(),
    q(`SELECT CASE WHEN confidence IS NULL THEN 'unset' WHEN confidence < 25 THEN '0-24' WHEN confidence < 50 THEN '25-49' WHEN confidence < 75 THEN '50-74' ELSE '75-100' END AS b, count(*) AS c FROM graph_nodes GROUP BY b`)
      .all(),
    goals.map((g) =>
      q(`WITH RECURSIVE tree(id, depth) AS (SELECT ?, 0 UNION SELECT e.to_id, t.depth + 1 FROM graph_edges e JOIN tree t ON e.from_id = t.id WHERE t.depth < 20) SELECT count(*) AS descendants, coalesce(sum(${O}), 0) AS open FROM (SELECT DISTINCT id FROM tree WHERE id <> ?) d JOIN graph_nodes n ON n.id = d.id`)
        .get(g.id as number, g.id as number)
    ),
    list(
      `n.type = 'goal' AND ${O} AND NOT ${child("option")} AND NOT ${grand("decision", "option")}`,
    ),
    list(
      `n.type = 'decision' AND ${L} AND NOT ${child("action")} AND NOT ${
        grand("option", "action")
      }`,
    ),
    list(`n.type = 'action' AND ${L} AND NOT ${child("outcome")}`),
    list(`n.type <> 'goal' AND NOT EXISTS (SELECT 1 FROM graph_edges e WHERE e.to_id = n.id)`),
    list(
      `${O} AND n.updated_at < ? AND NOT EXISTS (SELECT 1 FROM graph_edges e WHERE (e.from_id = n.id OR e.to_id = n.id) AND e.created_at >= ?)`,
      cutoff,
      cutoff,
    ),
    list(`${L} AND n.confidence < ?`, 50),
    q(`SELECT f.value AS file, count(*) AS count FROM graph_nodes n, json_each(n.files) f WHERE ${L} AND n.confidence < ? GROUP BY f.value ORDER BY count DESC, file LIMIT 10`)
      .all(50),
  ];
}
