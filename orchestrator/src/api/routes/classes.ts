// Classes: created by an instructor from a roster; read by the instructor and the class's TAs;
// bulk lab spin-up for the whole class.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { canManageClass } from "../../classroom/access.ts";
import { createClassFromRoster } from "../../classroom/classes.ts";
import { notFound } from "../../classroom/errors.ts";
import { classById, listClasses, usersOfClass } from "../../store/users.ts";
import { currentUser } from "../plugins/auth.ts";
import {
  classParams,
  classSchema,
  createClassBody,
  createdClassSchema,
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
    async (request, reply) => reply.code(201).send(createClassFromRoster(app.db, request.body)),
  );

  const describe = (id: string) => {
    const record = classById(app.db, id);
    if (!record) throw notFound(`class ${id}`);
    const students = usersOfClass(app.db, id, "student").map((s) => ({
      login: s.login,
      name: s.name,
      email: s.email,
    }));
    return { ...record, students };
  };

  app.get(
    "/api/classes",
    {
      preHandler: app.requireRole("instructor", "ta"),
      schema: { tags, security: bearer, response: { 200: z.array(classSchema), ...errors } },
    },
    async (request) => {
      const user = currentUser(request);
      return listClasses(app.db)
        .filter((c) => canManageClass(user, c.id))
        .map((c) => describe(c.id));
    },
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
    async (request) => {
      if (!canManageClass(currentUser(request), request.params.id))
        throw notFound(`class ${request.params.id}`);
      return describe(request.params.id);
    },
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
      const { id } = request.params;
      if (!canManageClass(user, id) || !classById(app.db, id)) throw notFound(`class ${id}`);
      if (!(await app.library.load(request.body.topology))) {
        throw notFound(`topology ${request.body.topology}`);
      }
      const students = usersOfClass(app.db, id, "student").map((s) => s.login);
      const job = app.jobs.submit({
        classId: id,
        topology: request.body.topology,
        concurrency: request.body.concurrency,
        createdBy: user.login,
        students,
      });
      return reply.code(202).send(job);
    },
  );
};

export default routes;
