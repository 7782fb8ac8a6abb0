// The engines' refusals (engines/engines.ts) as the classroom's.
import type { PoolRequestError } from "../engines/engines.ts";
import { ConflictError, type DomainError, NotFoundError, UnavailableError } from "./errors.ts";

export function poolRefusal(error: PoolRequestError): DomainError {
  switch (error.kind) {
    case "no_room":
      return new UnavailableError("no_engine", error.message);
    case "unknown_engine":
      return new NotFoundError(error.message);
    case "image_missing":
    case "engine_exists":
    case "engine_in_use":
    case "no_pool":
      return new ConflictError(error.kind, error.message);
  }
}
