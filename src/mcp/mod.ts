export * from "./server/mod.ts";
