// What the session tables hold, as the rest of Loom sees it, and the row mappers.
import type { Message, Usage } from "../core/mod.ts";
import type { StatementSync } from "../store/mod.ts";
import type { AgentRole } from "./events.ts";
import { readMessage } from "./session_damage.ts";

/** One session as listed. */
export interface SessionInfo {
  id: string;
  title: string | null;
  parentId: string | null;
  model: string;
  systemPrompt: string;
  createdAt: number;
  updatedAt: number;
}

/** A stored message with its place in the session. */
export interface StoredMessage {
  seq: number;
  message: Message;
  agentRole: AgentRole;
  summary: boolean;
  hidden: boolean;
}

/** A recorded tool call; `output` is null while it runs (or when the process died mid-call). */
export interface StoredToolCall {
  callId: string;
  name: string;
  input: Record<string, unknown>;
  output: string | null;
  isError: boolean | null;
  code: string | null;
  durationMs: number | null;
}

/** Token and dollar totals. */
export interface CostTotals extends Usage {
  calls: number;
  costUsd: number;
}

/** A session's costs, whole and split by model and by role. */
export interface SessionCosts {
  total: CostTotals;
  byModel: Record<string, CostTotals>;
  byRole: Record<string, CostTotals>;
}

/** The session columns, in `toSession`'s order. */
export const SESSION_COLUMNS = "id, title, parent_id, model, system_prompt, created_at, updated_at";

const TOTALS = `count(*) AS calls, coalesce(sum(input), 0) AS input,
  coalesce(sum(output), 0) AS output, coalesce(sum(cache_read), 0) AS cache_read,
  coalesce(sum(cache_write), 0) AS cache_write, coalesce(sum(cost_usd), 0) AS cost_usd`;

/** A session row as a SessionInfo. */
export function toSession(row: Record<string, unknown>): SessionInfo {
  return {
    id: row.id as string,
    title: row.title as string | null,
    parentId: row.parent_id as string | null,
    model: row.model as string,
    systemPrompt: row.system_prompt as string,
    createdAt: row.created_at as number,
    updatedAt: row.updated_at as number,
  };
}

/** A message row as a StoredMessage, or undefined when its content is not a readable message. */
export function toStoredMessage(row: Record<string, unknown>): StoredMessage | undefined {
  const message = readMessage(row.content as string);
  if (message === undefined) return undefined;
  return {
    seq: row.seq as number,
    message,
    agentRole: row.agent_role as AgentRole,
    summary: row.summary === 1,
    hidden: row.hidden === 1,
  };
}

/** A tool-call row as a StoredToolCall. */
export function toToolCall(row: Record<string, unknown>): StoredToolCall {
  return {
    callId: row.call_id as string,
    name: row.name as string,
    input: readInput(row.input as string),
    output: row.output as string | null,
    isError: row.is_error === null ? null : row.is_error === 1,
    code: row.code as string | null,
    durationMs: row.duration_ms as number | null,
  };
}

/** A tool call's stored arguments; a damaged value comes back as `{ unreadable: text }`. */
function readInput(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text);
    if (value !== null && typeof value === "object" && !Array.isArray(value)) return value;
  } catch { /* shown as it is below */ }
  return { unreadable: text };
}

function toTotals(row: Record<string, unknown>): CostTotals {
  return {
    calls: row.calls as number,
    input: row.input as number,
    output: row.output as number,
    cacheRead: row.cache_read as number,
    cacheWrite: row.cache_write as number,
    costUsd: row.cost_usd as number,
  };
}

/** A session's costs, whole and by model and role, through a statement cache. */
export function readSessionCosts(
  sql: (text: string) => StatementSync,
  sessionId: string,
): SessionCosts {
  const where = "FROM agent_usage WHERE session_id = ?";
  const total = toTotals(sql(`SELECT ${TOTALS} ${where}`).get(sessionId)!);
  const group = (column: string) =>
    Object.fromEntries(
      sql(`SELECT ${column} AS k, ${TOTALS} ${where} GROUP BY ${column}`).all(sessionId)
        .map((row) => [row.k as string, toTotals(row)]),
    );
  return { total, byModel: group("model"), byRole: group("role") };
}

/** Costs per model across every session. */
export function readCostsByModel(sql: (text: string) => StatementSync): Record<string, CostTotals> {
  return Object.fromEntries(
    sql(`SELECT model AS k, ${TOTALS} FROM agent_usage GROUP BY model`).all()
      .map((row) => [row.k as string, toTotals(row)]),
  );
}
