export { createPathGuard, isProtected, PathGuard } from "./guard.ts";
export type { GuardedPath } from "./guard.ts";
export { fsReason, isReadOnlyFs, realProjectRoot } from "./project_root.ts";
export { ReadLedger, stampOf } from "./ledger.ts";
export type { FileStamp } from "./ledger.ts";
export { Catalog, createCatalog, createExclusionCheck } from "./catalog.ts";
export type { CatalogEntry, CatalogOptions, WalkOptions } from "./catalog.ts";
export { IgnoreRules } from "./ignore_rules.ts";
