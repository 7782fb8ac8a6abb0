// Errors the API answers with: `{ error, message, fields? }`. Anything else thrown in a route is
// logged and answered with a bare 500, so that no internal detail reaches a client.
import type { FastifyError, FastifyInstance } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { LabRequestError, LabUpError } from "../labs/lifecycle.ts";
import { EngineUnavailableError } from "../runtime/engine.ts";

export interface FieldError {
  path: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: FieldError[] | undefined;
  constructor(status: number, code: string, message: string, fields?: FieldError[]) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields;
  }
}

export const notFound = (what: string) => new ApiError(404, "not_found", `${what} not found`);
export const forbidden = (message: string) => new ApiError(403, "forbidden", message);
export const invalid = (message: string, fields?: FieldError[]) =>
  new ApiError(400, "invalid_request", message, fields);

/** The message of an error written for users (see the handler below); null for any other. */
export function userMessage(error: unknown): string | null {
  const forUsers =
    error instanceof ApiError ||
    error instanceof LabRequestError ||
    error instanceof LabUpError ||
    error instanceof EngineUnavailableError;
  return forUsers ? error.message : null;
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = error.validationContext ?? "body";
      const fields = error.validation.map((v) => ({
        path: [where, ...v.instancePath.split("/").filter(Boolean)].join("."),
        message: v.message ?? "invalid",
      }));
      return reply.code(400).send({
        error: "invalid_request",
        message: "the request does not match its schema",
        fields,
      });
    }
    if (error instanceof ApiError) {
      return reply.code(error.status).send({
        error: error.code,
        message: error.message,
        ...(error.fields ? { fields: error.fields } : {}),
      });
    }
    // The lifecycle refuses requests it cannot carry out (an unknown node, a clash of owners)
    // before changing anything; its messages are written for users.
    if (error instanceof LabRequestError) {
      return reply.code(409).send({ error: "lab_request_refused", message: error.message });
    }
    // The engine could not bring the lab up (a node never ready, a missing image, an engine
    // error): the lifecycle's message names what failed and what was left (of a new lab, nothing).
    if (error instanceof LabUpError) {
      return reply.code(502).send({ error: "lab_up_failed", message: error.message });
    }
    // The lab's engine does not answer (README: Engines; the pool's EngineDownError is one): the
    // message names the engine and says what can be done.
    if (error instanceof EngineUnavailableError) {
      return reply.code(503).send({ error: "engine_unavailable", message: error.message });
    }
    // Fastify's own client errors (a malformed JSON body, a wrong content type, a body over the
    // limit) keep their status.
    if (typeof error.statusCode === "number" && error.statusCode < 500) {
      const code = error.statusCode === 413 ? "payload_too_large" : "bad_request";
      return reply.code(error.statusCode).send({ error: code, message: error.message });
    }
    request.log.error({ err: error }, "request failed");
    return reply
      .code(500)
      .send({ error: "internal", message: "internal error; see the service log" });
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send({ error: "not_found", message: `no route ${request.method} ${request.url}` }),
  );
}
