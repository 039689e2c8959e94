import type { PermissionRequest } from "../core/mod.ts";

/** A few words for a permission prompt: `run the shell command: npm test`. */
export function describeRequest(request: PermissionRequest): string {
  switch (request.kind) {
    case "shell":
      return `run the shell command: ${request.command}`;
    case "git": {
      const paths = request.paths.length > 0 ? ` ${request.paths.join(" ")}` : "";
      return `run git ${request.operation}${paths}`;
    }
    default:
      return `${request.kind} ${request.paths.join(", ")} (${request.tool})`;
  }
}
