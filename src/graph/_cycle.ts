import type { DecisionGraph } from "./store.ts";

/**
 * The path start → … → target along existing edges, or null when target is unreachable from
 * start. Adding target → start would then close that cycle. Reachability is one recursive CTE;
 * the path itself is only rebuilt (breadth first, in JS) when there is one.
 */
export function cyclePath(graph: DecisionGraph, start: number, target: number): number[] | null {
  const hit = graph.sql(
    `WITH RECURSIVE reach(id) AS (
       SELECT ?1
       UNION
       SELECT e.to_id FROM graph_edges e JOIN reach r ON e.from_id = r.id
     )
     SELECT 1 AS hit FROM reach WHERE id = ?2 LIMIT 1`,
  ).get(start, target);
  if (!hit) return null;
  const next = graph.sql("SELECT to_id FROM graph_edges WHERE from_id = ? ORDER BY to_id");
  const parent = new Map<number, number>([[start, start]]);
  const queue = [start];
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (id === target) break;
    for (const row of next.all(id)) {
      const to = row.to_id as number;
      if (parent.has(to)) continue;
      parent.set(to, id);
      queue.push(to);
    }
  }
  const path = [target];
  while (path[0] !== start) path.unshift(parent.get(path[0])!);
  return path;
}
