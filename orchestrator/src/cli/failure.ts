// How a command reports what went wrong: the message, a hint naming the command that helps (core
// messages name none, as API and dashboard users read them too), and the exit status.
import { DomainError, type RefusalKind } from "../classroom/errors.ts";
import { type LabRemedy, LabRequestError, LabUpError } from "../labs/lifecycle.ts";
import { EngineUnavailableError, errorMessage } from "../runtime/engine.ts";
import { UsageError } from "./args.ts";
import { ServiceConfigError, ServiceError } from "./service-client.ts";

export interface Failure {
  message: string;
  hint: string | null;
  /** 2 for a command line or an input that is wrong as written, 1 for any other failure. */
  status: number;
  /** Whether the error is one nobody wrote for users (its stack helps with SOCKETLAB_DEBUG). */
  unexpected: boolean;
}

const EXIT_STATUS: Record<RefusalKind, number> = {
  invalid: 2,
  not_found: 1,
  forbidden: 1,
  conflict: 1,
  quota: 1,
  unavailable: 1,
};

function remedyHint(remedy: LabRemedy): string {
  switch (remedy.action) {
    case "status":
      return `see 'socketlab status ${remedy.lab}'`;
    case "down":
      return `run 'socketlab down ${remedy.lab}'`;
    case "reset":
      return `reset it with 'socketlab reset ${remedy.lab} ${remedy.node}'`;
  }
}

export function describeFailure(error: unknown): Failure {
  if (error instanceof UsageError) {
    return { message: error.message, hint: null, status: 2, unexpected: false };
  }
  if (error instanceof DomainError) {
    return {
      message: error.message,
      hint: null,
      status: EXIT_STATUS[error.kind],
      unexpected: false,
    };
  }
  if (error instanceof LabRequestError || error instanceof LabUpError) {
    const hint = error.remedy ? remedyHint(error.remedy) : null;
    return { message: error.message, hint, status: 1, unexpected: false };
  }
  if (error instanceof EngineUnavailableError || error instanceof ServiceConfigError) {
    return { message: error.message, hint: null, status: 1, unexpected: false };
  }
  if (error instanceof ServiceError) return serviceFailure(error);
  return { message: errorMessage(error), hint: null, status: 1, unexpected: true };
}

/** The service's refusal: its message, then each field's problem on a line of its own. */
function serviceFailure(error: ServiceError): Failure {
  const fields = error.fields.map((f) => `\n  ${f.path}: ${f.message}`).join("");
  const hint =
    error.status === 401
      ? "set SOCKETLAB_TOKEN (or the config file's token) to a valid token; an instructor can reissue one"
      : null;
  // A request wrong as written (400) is the command line's or its input's fault.
  return {
    message: `${error.message}${fields}`,
    hint,
    status: error.status === 400 ? 2 : 1,
    unexpected: false,
  };
}
