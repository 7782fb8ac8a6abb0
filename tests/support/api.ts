// What the API's tests share, unit and integration alike: signed-in requests through app.inject.
import type { App } from "../../orchestrator/src/api/app.ts";

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** A request to `app`, signed in as `token`'s user when a token is given. */
export function apiRequest(
  app: App,
  method: Method,
  url: string,
  token?: string,
  payload?: object,
) {
  return app.inject({
    method,
    url,
    ...(token === undefined ? {} : { headers: bearer(token) }),
    ...(payload === undefined ? {} : { payload }),
  });
}
