// Classes: created by an instructor from a roster; read by the instructor and the class's TAs;
// bulk lab spin-up for the whole class.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { spinUpClass } from "../../classroom/class-jobs.ts";
import {
  addMembers,
  createClassFromRoster,
  removeMember,
  visibleClass,
  visibleClasses,
} from "../../classroom/classes.ts";
import { changeClassTerm } from "../../classroom/term.ts";
import { REMOVED_REASON } from "../../classroom/tokens.ts";
import { currentUser } from "../plugins/auth.ts";
import {
  addedMembersSchema,
  addMembersBody,
  classParams,
  classSchema,
  classTermBody,
  createClassBody,
  createdClassSchema,
  memberParams,
  memberSchema,
} from "../schemas/classes.ts";
import { authErrors, bearer, errorSchema } from "../schemas/common.ts";
import { bulkBody, jobSchema } from "../schemas/jobs.ts";

const routes: FastifyPluginAsyncZod = async (app) => {
  const tags = ["classes"];
  const errors = { ...authErrors, 400: errorSchema, 404: errorSchema };

  app.post(
    "/api/classes",
    {
      preHandler: app.requireRole("instructor"),
      schema: {
        tags,
        security: bearer,
        summary: "Create a class from a roster; every student's and TA's token is shown once",
        body: createClassBody,
        response: { 201: createdClassSchema, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(createClassFromRoster(app.db, currentUser(request), request.body, app.labs.now())),
  );

  app.post(
    "/api/classes/:id/members",
    {
      preHandler: app.requireRole("instructor"),
      schema: {
        tags,
        security: bearer,
        summary: "Add students (a roster, as on creation) and TAs; their tokens are shown once",
        params: classParams,
        body: addMembersBody,
        response: { 201: addedMembersSchema, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(addMembers(app.db, currentUser(request), request.params.id, request.body)),
  );

  app.delete(
    "/api/classes/:id/members/:login",
    {
      preHandler: app.requireRole("instructor"),
      schema: {
        tags,
        security: bearer,
        summary: "Remove a student or TA: their account and tokens go, their terminals close",
        description: "Their labs stay until they expire or are destroyed.",
        params: memberParams,
        response: { 200: memberSchema, ...errors },
      },
    },
    async (request) => {
      const { id, login } = request.params;
      const removed = removeMember(app.db, currentUser(request), id, login);
      app.signOuts.announce(login, REMOVED_REASON);
      return removed;
    },
  );

  app.patch(
    "/api/classes/:id",
    {
      preHandler: app.requireRole("instructor"),
      schema: {
        tags,
        security: bearer,
        summary: "Move the class's term end; its students' and TAs' tokens expire then",
        params: classParams,
        body: classTermBody,
        response: { 200: classSchema, ...errors },
      },
    },
    async (request) => {
      const user = currentUser(request);
      changeClassTerm(app.db, user, request.params.id, request.body.endsAt);
      return visibleClass(app.db, user, request.params.id);
    },
  );

  app.get(
    "/api/classes",
    {
      preHandler: app.requireRole("instructor", "ta"),
      schema: { tags, security: bearer, response: { 200: z.array(classSchema), ...errors } },
    },
    async (request) => visibleClasses(app.db, currentUser(request)),
  );

  app.get(
    "/api/classes/:id",
    {
      preHandler: app.requireRole("instructor", "ta"),
      schema: {
        tags,
        security: bearer,
        params: classParams,
        response: { 200: classSchema, ...errors },
      },
    },
    async (request) => visibleClass(app.db, currentUser(request), request.params.id),
  );

  app.post(
    "/api/classes/:id/labs",
    {
      preHandler: app.requireRole("instructor", "ta"),
      schema: {
        tags,
        security: bearer,
        summary: "Bring a topology up for every student of the class (a bulk job)",
        description: "Progress: GET /api/jobs/{id}/events (server-sent events).",
        params: classParams,
        body: bulkBody,
        response: { 202: jobSchema, ...errors },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      const job = await spinUpClass(
        app.db,
        app.library,
        app.jobs,
        user,
        request.params.id,
        request.body,
      );
      return reply.code(202).send(job);
    },
  );
};

export default routes;
