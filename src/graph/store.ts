import type { DatabaseSync, StatementSync } from "node:sqlite";
import { LoomError } from "../core/mod.ts";
import type { Clock } from "../core/mod.ts";
import { transaction } from "../store/mod.ts";
import {
  checkBody,
  checkConfidence,
  checkFiles,
  checkRationale,
  checkTitle,
  DEFAULT_STATUS,
  edgeProblem,
  parseEdgeType,
  parseNodeType,
  parseStatus,
} from "./model.ts";
import { EDGE_COLUMNS, NODE_COLUMNS, toEdge, toNode } from "./rows.ts";
import { cyclePath } from "./_cycle.ts";
import type {
  EdgeType,
  GraphEdge,
  GraphNode,
  NewNode,
  NodeDetail,
  NodePatch,
  NodeStatus,
  Provenance,
} from "./types.ts";

/** What a graph needs from the outside world. */
export interface GraphOptions {
  clock?: Clock;
  /** Branch, commit and session stamped on new nodes (a function is asked at each insert). */
  provenance?: Provenance | (() => Provenance);
  /** Makes change ids (default crypto.randomUUID). */
  newId?: () => string;
}

/** The decision graph over one open database: validated writes and the basic reads. */
export class DecisionGraph {
  readonly db: DatabaseSync;
  readonly clock: Clock;
  #provenance: () => Provenance;
  #newId: () => string;
  #statements = new Map<string, StatementSync>();
  #listeners = new Set<() => void>();
  #writes = 0;

  constructor(db: DatabaseSync, options: GraphOptions = {}) {
    this.db = db;
    this.clock = options.clock ?? { now: () => Date.now() };
    const p = options.provenance;
    this.#provenance = typeof p === "function" ? p : () => p ?? {};
    this.#newId = options.newId ?? (() => crypto.randomUUID());
  }

  /** A cached prepared statement. */
  sql(text: string): StatementSync {
    let stmt = this.#statements.get(text);
    if (!stmt) {
      stmt = this.db.prepare(text);
      this.#statements.set(text, stmt);
    }
    return stmt;
  }

  /** Changes whenever this or another process commits to the database. */
  revision(): string {
    const row = this.sql("PRAGMA data_version").get() as { data_version: number };
    return `${row.data_version}.${this.#writes}`;
  }

  /** Calls `listener` after each write this object commits; returns an unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Finds a node by id (`12`, `#12`) or change id (or a unique prefix of at least 4 characters). */
  find(ref: string | number): GraphNode | undefined {
    const text = String(ref).trim();
    const numeric = /^#?(\d+)$/.exec(text);
    if (numeric) {
      const row = this.sql(`SELECT ${NODE_COLUMNS} FROM graph_nodes n WHERE n.id = ?`).get(
        Number(numeric[1]),
      );
      return row ? toNode(row) : undefined;
    }
    const prefix = text.toLowerCase();
    if (!/^[0-9a-f-]{4,36}$/.test(prefix)) return undefined;
    const rows = this.sql(
      `SELECT ${NODE_COLUMNS} FROM graph_nodes n WHERE n.change_id >= ? AND n.change_id < ? LIMIT 2`,
    ).all(prefix, prefix + "g");
    if (rows.length > 1) {
      throw new LoomError(
        "INVALID_INPUT",
        `Cannot find node "${text}": the prefix matches more than one change id; give more characters`,
      );
    }
    return rows[0] ? toNode(rows[0]) : undefined;
  }

  /** Like `find`, but an unknown reference is a NOT_FOUND error. */
  get(ref: string | number): GraphNode {
    const node = this.find(ref);
    if (!node) {
      throw new LoomError(
        "NOT_FOUND",
        `Cannot find node "${ref}": no node has that id or change id; list them with 'loom graph list'`,
      );
    }
    return node;
  }

  /** A node with its incoming and outgoing edges and the nodes at their other ends. */
  detail(ref: string | number): NodeDetail {
    const node = this.get(ref);
    const side = (column: "from_id" | "to_id", other: "from" | "to") =>
      this.sql(`SELECT ${EDGE_COLUMNS} FROM graph_edges e WHERE e.${column} = ? ORDER BY e.id`)
        .all(node.id).map((row) => {
          const edge = toEdge(row);
          return { edge, node: this.get(edge[other]) };
        });
    return { node, incoming: side("to_id", "from"), outgoing: side("from_id", "to") };
  }

  /** Creates a node (and its parent links) in one transaction. */
  addNode(input: NewNode): { node: GraphNode; edges: GraphEdge[] } {
    const type = parseNodeType(input.type);
    const title = checkTitle(input.title);
    const body = checkBody(input.body ?? "", title);
    const status = input.status ? parseStatus(input.status) : DEFAULT_STATUS[type];
    const confidence = checkConfidence(input.confidence);
    const files = checkFiles(input.files);
    const prov = this.#provenance();
    const now = this.clock.now();
    const result = transaction(this.db, () => {
      const row = this.sql(
        `INSERT INTO graph_nodes (change_id, type, title, body, status, confidence, files, branch,
           commit_sha, session_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      ).get(
        this.#newId(),
        type,
        title,
        body,
        status,
        confidence,
        JSON.stringify(files),
        input.branch !== undefined ? input.branch : prov.branch ?? null,
        input.commit !== undefined ? input.commit : prov.commit ?? null,
        input.sessionId !== undefined ? input.sessionId : prov.sessionId ?? null,
        now,
        now,
      ) as { id: number };
      const edges = (input.parents ?? []).map((p) =>
        this.#link(p.ref, row.id, p.type ?? "leads_to", p.rationale, now)
      );
      return { node: this.get(row.id), edges };
    });
    this.#changed();
    return result;
  }

  /** Changes a node's title, body, status, confidence or files. */
  updateNode(ref: string | number, patch: NodePatch): GraphNode {
    const node = this.get(ref);
    const next = {
      title: patch.title !== undefined ? checkTitle(patch.title) : node.title,
      body: patch.body !== undefined ? checkBody(patch.body, node.title) : node.body,
      status: patch.status !== undefined ? parseStatus(patch.status) : node.status,
      confidence: patch.confidence !== undefined
        ? checkConfidence(patch.confidence)
        : node.confidence,
      files: patch.files !== undefined ? checkFiles(patch.files) : node.files,
    };
    transaction(this.db, () => {
      this.sql(
        `UPDATE graph_nodes SET title = ?, body = ?, status = ?, confidence = ?, files = ?,
           updated_at = ? WHERE id = ?`,
      ).run(
        next.title,
        next.body,
        next.status,
        next.confidence,
        JSON.stringify(next.files),
        this.clock.now(),
        node.id,
      );
    });
    this.#changed();
    return this.get(node.id);
  }

  /** Sets a node's status. */
  setStatus(ref: string | number, status: NodeStatus): GraphNode {
    return this.updateNode(ref, { status });
  }

  /** Adds `from -type-> to`, refusing unknown nodes, nonsense pairs, duplicates and cycles. */
  link(
    from: string | number,
    to: string | number,
    type: EdgeType,
    rationale?: string | null,
  ): GraphEdge {
    const edge = transaction(
      this.db,
      () => this.#link(from, to, type, rationale, this.clock.now()),
    );
    this.#changed();
    return edge;
  }

  /** Removes the edges from `from` to `to` (only of `type` when given); returns how many. */
  unlink(from: string | number, to: string | number, type?: EdgeType): number {
    const a = this.get(from);
    const b = this.get(to);
    const t = type === undefined ? undefined : parseEdgeType(type);
    const removed = transaction(
      this.db,
      () =>
        t === undefined
          ? this.sql("DELETE FROM graph_edges WHERE from_id = ? AND to_id = ?").run(a.id, b.id)
          : this.sql("DELETE FROM graph_edges WHERE from_id = ? AND to_id = ? AND type = ?")
            .run(a.id, b.id, t),
    ).changes as number;
    if (removed === 0) {
      throw new LoomError(
        "NOT_FOUND",
        `Cannot unlink #${a.id} from #${b.id}: no ${t ?? "edge"} joins them in that direction`,
      );
    }
    this.#changed();
    return removed;
  }

  /** Marks `oldRef` superseded by `newRef`: a supersedes edge old → new and status superseded. */
  supersede(oldRef: string | number, newRef: string | number, rationale?: string): GraphEdge {
    const edge = transaction(this.db, () => {
      const now = this.clock.now();
      const e = this.#link(oldRef, newRef, "supersedes", rationale, now);
      this.sql("UPDATE graph_nodes SET status = 'superseded', updated_at = ? WHERE id = ?")
        .run(now, e.from);
      return e;
    });
    this.#changed();
    return edge;
  }

  #link(
    fromRef: string | number,
    toRef: string | number,
    rawType: EdgeType,
    rawRationale: string | null | undefined,
    now: number,
  ): GraphEdge {
    const type = parseEdgeType(rawType);
    const rationale = checkRationale(rawRationale);
    const from = this.get(fromRef);
    const to = this.get(toRef);
    const what = `Cannot link #${from.id} to #${to.id} as ${type}`;
    if (from.id === to.id) {
      throw new LoomError("INVALID_INPUT", `${what}: a node cannot link to itself`);
    }
    const problem = edgeProblem(type, from.type, to.type);
    if (problem) throw new LoomError("INVALID_INPUT", `${what}: ${problem}`);
    const dup = this.sql("SELECT 1 FROM graph_edges WHERE from_id = ? AND to_id = ? AND type = ?")
      .get(from.id, to.id, type);
    if (dup) throw new LoomError("INVALID_INPUT", `${what}: that edge already exists`);
    const path = cyclePath(this, to.id, from.id);
    if (path) {
      throw new LoomError(
        "INVALID_INPUT",
        `${what}: it would close the cycle ${
          [...path, to.id].map((id) => `#${id}`).join(" → ")
        }; the graph must stay acyclic`,
        { details: { cycle: path } },
      );
    }
    const row = this.sql(
      `INSERT INTO graph_edges (from_id, to_id, type, rationale, created_at)
       VALUES (?, ?, ?, ?, ?) RETURNING id`,
    ).get(from.id, to.id, type, rationale, now) as { id: number };
    if (type === "rejected" && to.status !== "rejected") {
      // Rejecting an option rejects it: the context builder lists it so it is not retried.
      this.sql("UPDATE graph_nodes SET status = 'rejected', updated_at = ? WHERE id = ?")
        .run(now, to.id);
    }
    return { id: row.id, from: from.id, to: to.id, type, rationale, createdAt: now };
  }

  #changed(): void {
    this.#writes++;
    for (const listener of this.#listeners) listener();
  }
}
