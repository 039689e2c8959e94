export { EDGE_TYPES, NODE_STATUSES, NODE_TYPES } from "./types.ts";
export type {
  EdgeType,
  GraphEdge,
  GraphNode,
  NewNode,
  NodeDetail,
  NodeFilter,
  NodePatch,
  NodeStatus,
  NodeType,
  ParentLink,
  Provenance,
} from "./types.ts";
export {
  checkConfidence,
  DEFAULT_STATUS,
  EDGE_RULES,
  edgeProblem,
  MAX_BODY_CHARS,
  MAX_TITLE_CHARS,
  parseEdgeType,
  parseNodeType,
  parseStatus,
} from "./model.ts";
export { GRAPH_MIGRATIONS } from "./schema.ts";
export { DecisionGraph } from "./store.ts";
export type { GraphOptions } from "./store.ts";
export {
  allEdges,
  allNodes,
  ancestors,
  descendants,
  edgesAmong,
  graphSize,
  listNodes,
  toFtsQuery,
} from "./queries.ts";
export { buildDecisionContext, CONTEXT_SECTIONS } from "./context.ts";
export type { ContextOptions, ContextSection, DecisionContext } from "./context.ts";
export { computePulse, hasGaps, renderPulse } from "./pulse.ts";
export type { Pulse, PulseItem, PulseList, PulseOptions } from "./pulse.ts";
export { buildNarrative } from "./narrative.ts";
export type { Narrative, NarrativeOptions, Pivot } from "./narrative.ts";
export { exportGraph, exportNode, LOOM_FORMAT, toDot, toMermaid } from "./export.ts";
export type { ExportedEdge, ExportedNode, GraphExport } from "./export.ts";
export { importGraph } from "./import.ts";
export type { ImportOptions, ImportResult } from "./import.ts";
export { readGitProvenance } from "./git_info.ts";
export { openProjectGraph } from "./project.ts";
export type { OpenProjectGraphOptions, ProjectGraph } from "./project.ts";
export { label } from "./rows.ts";
