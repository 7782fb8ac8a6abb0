// Errors the API answers with: `{ error, message, fields? }`. Anything else thrown in a route is
// logged and answered with a bare 500, so that no internal detail reaches a client.
import type { FastifyError, FastifyInstance } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { DomainError, type FieldError, type RefusalKind } from "../classroom/errors.ts";
import { LabRequestError, LabUpError } from "../labs/lifecycle.ts";
import { EngineUnavailableError } from "../runtime/engine.ts";

/**
 * A refusal of the HTTP layer itself (no token, too many requests, a dashboard not built). The
 * classroom's refusals are DomainErrors, answered with the status of their kind (HTTP_STATUS).
 */
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

/** The HTTP status of each kind of the classroom's refusals. */
export const HTTP_STATUS: Record<RefusalKind, number> = {
  not_found: 404,
  forbidden: 403,
  conflict: 409,
  quota: 409,
  invalid: 400,
  unavailable: 503,
  busy: 429,
};

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
    if (error instanceof ApiError || error instanceof DomainError) {
      const status = error instanceof ApiError ? error.status : HTTP_STATUS[error.kind];
      return reply.code(status).send({
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
    // The lab's engine does not answer (docs/operator.md: Engines; the pool's EngineDownError is one): the
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
