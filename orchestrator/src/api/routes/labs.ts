// Labs: create, list, status, reset, resume, destroy. Ownership is checked by the lab service: a lab
// the caller may not see is a 404, as if it did not exist.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { currentUser } from "../plugins/auth.ts";
import { bearer, errorSchema } from "../schemas/common.ts";
import {
  createLabBody,
  labErrors,
  labParams,
  labStatusSchema,
  labSummarySchema,
  resetBody,
} from "../schemas/labs.ts";

const routes: FastifyPluginAsyncZod = async (app) => {
  const signedIn = app.requireRole();
  const tags = ["labs"];

  app.post(
    "/api/labs",
    {
      preHandler: signedIn,
      schema: {
        tags,
        security: bearer,
        summary: "Bring up a library topology for myself (students) or a student of my class",
        body: createLabBody,
        // 502: the lab could not be brought up (lab_up_failed; nothing of a new lab is left).
        response: { 200: labStatusSchema, 201: labStatusSchema, ...labErrors, 502: errorSchema },
      },
    },
    async (request, reply) => {
      const { topology, owner, ttl } = request.body;
      const result = await app.labs.create(currentUser(request), topology, owner, ttl);
      return reply.code(result.created ? 201 : 200).send(result.status);
    },
  );

  app.get(
    "/api/labs",
    {
      preHandler: signedIn,
      schema: {
        tags,
        security: bearer,
        response: { 200: z.array(labSummarySchema), ...labErrors },
      },
    },
    async (request) => app.labs.list(currentUser(request)),
  );

  app.get(
    "/api/labs/:id",
    {
      preHandler: signedIn,
      schema: {
        tags,
        security: bearer,
        params: labParams,
        response: { 200: labStatusSchema, ...labErrors },
      },
    },
    async (request) => app.labs.status(currentUser(request), request.params.id),
  );

  app.post(
    "/api/labs/:id/reset",
    {
      preHandler: signedIn,
      schema: {
        tags,
        security: bearer,
        summary: "Recreate nodes pristine (same addresses); no nodes: the whole lab",
        params: labParams,
        body: resetBody,
        response: { 200: labStatusSchema, ...labErrors },
      },
    },
    async (request) =>
      app.labs.reset(currentUser(request), request.params.id, request.body?.nodes ?? []),
  );

  app.post(
    "/api/labs/:id/resume",
    {
      preHandler: signedIn,
      schema: {
        tags,
        security: bearer,
        summary: "Start a stopped lab again: the same containers, with their files",
        params: labParams,
        response: { 200: labStatusSchema, ...labErrors },
      },
    },
    async (request) => app.labs.resume(currentUser(request), request.params.id),
  );

  app.delete(
    "/api/labs/:id",
    {
      preHandler: signedIn,
      schema: {
        tags,
        security: bearer,
        params: labParams,
        response: { 204: z.null(), ...labErrors },
      },
    },
    async (request, reply) => {
      await app.labs.destroy(currentUser(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
};

export default routes;
