// The classroom's refusals. Each has a kind, which a front end turns into its own answer (the
// API an HTTP status, the CLI an exit status and a hint), and a stable code that clients may rely
// on. Messages are written for the people who read them in any front end: they name no command.
import { LabRequestError, LabUpError } from "../labs/lifecycle.ts";
import { EngineUnavailableError } from "../runtime/engine.ts";

export interface FieldError {
  path: string;
  message: string;
}

export type RefusalKind =
  | "not_found"
  | "forbidden"
  | "conflict"
  | "quota"
  | "invalid"
  | "unavailable"
  | "busy";

export abstract class DomainError extends Error {
  abstract readonly kind: RefusalKind;
  readonly code: string;
  /** The fields of the request that are wrong, when the refusal is about some. */
  readonly fields: FieldError[] | undefined;
  constructor(code: string, message: string, fields?: FieldError[]) {
    super(message);
    this.code = code;
    this.fields = fields;
  }
}

/** Something that does not exist, or that the user may not see (the two look the same). */
export class NotFoundError extends DomainError {
  readonly kind = "not_found";
  constructor(message: string) {
    super("not_found", message);
  }
}

export class ForbiddenError extends DomainError {
  readonly kind = "forbidden";
  constructor(message: string) {
    super("forbidden", message);
  }
}

/** A request at odds with the current state of things (an invalid topology, a running job). */
export class ConflictError extends DomainError {
  readonly kind = "conflict";
}

/** A student or a class already holds its quota of labs. */
export class QuotaError extends DomainError {
  readonly kind = "quota";
  constructor(message: string) {
    super("quota_exceeded", message);
  }
}

export class InvalidInputError extends DomainError {
  readonly kind = "invalid";
  constructor(message: string, fields?: FieldError[]) {
    super("invalid_request", message, fields);
  }
}

/** The service cannot do it now (it is stopping, no engine takes labs); later it may. */
export class UnavailableError extends DomainError {
  readonly kind = "unavailable";
}

/** Too much of something is under way already (for the lab or the user); later it may do. */
export class BusyError extends DomainError {
  readonly kind = "busy";
  constructor(message: string) {
    super("too_many_requests", message);
  }
}

export const notFound = (what: string) => new NotFoundError(`${what} not found`);

/**
 * The message of an error written for users (refusals, and the lab lifecycle's and engines'
 * errors, which say what failed); null for any other, whose detail belongs in the log only.
 */
export function userMessage(error: unknown): string | null {
  const forUsers =
    error instanceof DomainError ||
    error instanceof LabRequestError ||
    error instanceof LabUpError ||
    error instanceof EngineUnavailableError;
  return forUsers ? error.message : null;
}
