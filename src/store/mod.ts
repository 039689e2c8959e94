export { isBusyError, openDatabase } from "./database.ts";
export type { OpenDatabaseOptions } from "./database.ts";
export {
  appliedVersion,
  checkMigrations,
  latestVersion,
  migrationsDue,
  runMigrations,
} from "./migrations.ts";
export type { Migration, MigrationSet } from "./migrations.ts";
export { transaction } from "./transaction.ts";
export type { TransactionOptions } from "./transaction.ts";
export { openProjectDatabase, projectDatabasePath } from "./project.ts";
export type { DatabaseSync, StatementSync } from "node:sqlite";
