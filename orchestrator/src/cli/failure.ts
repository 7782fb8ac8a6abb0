// How a command reports what went wrong: the message, a hint naming the command that helps (core
// messages name none, as API and dashboard users read them too), and the exit status.
import { DomainError, type RefusalKind } from "../classroom/errors.ts";
import { type LabRemedy, LabRequestError, LabUpError } from "../labs/lifecycle.ts";
import { EngineUnavailableError, errorMessage } from "../runtime/engine.ts";
import { UsageError } from "./args.ts";
import { EXIT_FAILED, EXIT_USAGE } from "./exit-status.ts";

export interface Failure {
  message: string;
  hint: string | null;
  /** EXIT_USAGE for a command line or a value that is wrong as written, else EXIT_FAILED. */
  status: number;
  /** Whether the error is one nobody wrote for users (its stack helps with SOCKETLAB_DEBUG). */
  unexpected: boolean;
}

const EXIT_STATUS: Record<RefusalKind, number> = {
  invalid: EXIT_USAGE,
  not_found: EXIT_FAILED,
  forbidden: EXIT_FAILED,
  conflict: EXIT_FAILED,
  quota: EXIT_FAILED,
  unavailable: EXIT_FAILED,
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
    return { message: error.message, hint: null, status: EXIT_USAGE, unexpected: false };
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
    return { message: error.message, hint, status: EXIT_FAILED, unexpected: false };
  }
  if (error instanceof EngineUnavailableError) {
    return { message: error.message, hint: null, status: EXIT_FAILED, unexpected: false };
  }
  return { message: errorMessage(error), hint: null, status: EXIT_FAILED, unexpected: true };
}
