// The admin commands' way to the running service: its HTTP API with a bearer token, as kubectl
// speaks to its API server. The database behind the service is never opened from here. The
// service's URL and token come from SOCKETLAB_URL and SOCKETLAB_TOKEN, else from a config file
// `{"url": "...", "token": "..."}` that only its owner may read.
import { readFile, stat } from "node:fs/promises";
import type { FieldError } from "../classroom/errors.ts";
import { serviceSettings } from "../config.ts";

/** The service refused a request: its status, its `{error, message, fields?}`. */
export class ServiceError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: FieldError[];
  constructor(status: number, code: string, message: string, fields: FieldError[] = []) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields;
  }
}

/** The service's URL or token is not configured, or the config file is unsafe or unreadable. */
export class ServiceConfigError extends Error {}

export interface ServiceClient {
  /** The service's base URL, without a trailing `/`. */
  readonly url: string;
  get<T>(path: string): Promise<T>;
  send<T>(method: "POST" | "PUT" | "PATCH" | "DELETE", path: string, body?: unknown): Promise<T>;
}

async function configFile(path: string): Promise<{ url?: string; token?: string }> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch {
    return {};
  }
  // The file holds a token: like ssh with its keys, refuse one that others may read.
  if ((info.mode & 0o077) !== 0) {
    throw new ServiceConfigError(`${path} holds a token and others may read it: chmod 600 ${path}`);
  }
  try {
    return JSON.parse(await readFile(path, "utf8")) as { url?: string; token?: string };
  } catch (error) {
    throw new ServiceConfigError(
      `${path} is not JSON {"url", "token"}: ${(error as Error).message}`,
    );
  }
}

/** A client of the configured service, or a ServiceConfigError saying what is missing. */
export async function serviceClient(): Promise<ServiceClient> {
  const settings = serviceSettings();
  const file = settings.url && settings.token ? {} : await configFile(settings.configFile);
  const url = (settings.url ?? file.url)?.replace(/\/+$/, "");
  const token = settings.token ?? file.token;
  if (!url || !token) {
    throw new ServiceConfigError(
      `which service? set SOCKETLAB_URL and SOCKETLAB_TOKEN, or write {"url", "token"} to ${settings.configFile}`,
    );
  }
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(`${url}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      const cause = (error as { cause?: Error }).cause?.message ?? (error as Error).message;
      throw new ServiceConfigError(`the service at ${url} does not answer: ${cause}`);
    }
    const text = await response.text();
    const parsed = text ? (JSON.parse(text) as unknown) : null;
    if (response.ok) return parsed as T;
    const refusal = (parsed ?? {}) as { error?: string; message?: string; fields?: FieldError[] };
    throw new ServiceError(
      response.status,
      refusal.error ?? "http_error",
      refusal.message ?? `${response.status} ${response.statusText}`,
      refusal.fields ?? [],
    );
  };
  return {
    url,
    get: (path) => call("GET", path),
    send: (method, path, body) => call(method, path, body),
  };
}
