/** Codes for failures a caller (or a model) can act on. Programming bugs throw plain errors. */
export type ErrorCode =
  | "NOT_FOUND"
  | "OUTSIDE_PROJECT"
  | "PROTECTED_PATH"
  | "DENIED"
  | "AMBIGUOUS_EDIT"
  | "NO_MATCH"
  | "STALE_FILE"
  | "NOT_READ"
  | "BINARY_FILE"
  | "ENCODING"
  | "TOO_LARGE"
  | "INVALID_INPUT"
  | "TIMEOUT"
  | "CANCELLED"
  | "CONFIG"
  | "USAGE"
  | "GIT"
  | "PROVIDER"
  | "UNAVAILABLE";

/** An expected failure: a code plus a message in the house voice (`Cannot <verb> "<what>": <why>`). */
export class LoomError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "LoomError";
    this.code = code;
    this.details = options.details;
  }
}

/** True when `err` is a LoomError, optionally with the given code. */
export function isLoomError(err: unknown, code?: ErrorCode): err is LoomError {
  return err instanceof LoomError && (code === undefined || err.code === code);
}
