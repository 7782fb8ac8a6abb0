// The engines' refusals (engines/engines.ts) as the API answers them.
import type { PoolRequestError } from "../../engines/engines.ts";
import { ApiError } from "../errors.ts";

const STATUS: Record<PoolRequestError["kind"], [number, string]> = {
  no_room: [503, "no_engine"],
  image_missing: [409, "image_missing"],
  unknown_engine: [404, "not_found"],
  engine_exists: [409, "engine_exists"],
  engine_in_use: [409, "engine_in_use"],
  no_pool: [409, "no_pool"],
};

export function poolApiError(error: PoolRequestError): ApiError {
  const [status, code] = STATUS[error.kind];
  return new ApiError(status, code, error.message);
}
