export { createPathGuard, isProtected, PathGuard } from "./guard.ts";
export type { GuardedPath } from "./guard.ts";
export { ReadLedger, stampOf } from "./ledger.ts";
export type { FileStamp } from "./ledger.ts";
