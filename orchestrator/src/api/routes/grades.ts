// The gradebook: a class's grid for a topology (JSON or CSV), its deadlines, checking the whole
// class as a bulk job, and a lab's check history (whoever may see the lab: a student sees their
// own).
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { GradeGrid } from "../../classroom/grades.ts";
import { gradesCsv } from "../../classroom/grades.ts";
import type { Deadline } from "../../store/deadlines.ts";
import { currentUser } from "../plugins/auth.ts";
import { classParams } from "../schemas/classes.ts";
import { authErrors, bearer, errorSchema } from "../schemas/common.ts";
import {
  classChecksBody,
  deadlineBody,
  deadlineParams,
  deadlineSchema,
  gradeGridSchema,
  gradesQuery,
  historyEntrySchema,
  historyQuery,
} from "../schemas/grades.ts";
import { jobSchema } from "../schemas/jobs.ts";
import { labErrors, labParams } from "../schemas/labs.ts";

const iso = (ms: number) => new Date(ms).toISOString();

function gridJson(grid: GradeGrid) {
  return {
    ...grid,
    deadline: grid.deadline && {
      at: iso(grid.deadline.at),
      firedAt: grid.deadline.firedAt === null ? null : iso(grid.deadline.firedAt),
    },
    students: grid.students.map((s) => ({
      ...s,
      cells: Object.fromEntries(
        Object.entries(s.cells).map(([id, c]) => [id, c && { ...c, ranAt: iso(c.ranAt) }]),
      ),
    })),
  };
}

function deadlineJson(d: Deadline) {
  return { ...d, at: iso(d.at), firedAt: d.firedAt === null ? null : iso(d.firedAt) };
}

const routes: FastifyPluginAsyncZod = async (app) => {
  const tags = ["grades"];
  const errors = { ...authErrors, 400: errorSchema, 404: errorSchema };
  const staff = app.requireRole("instructor", "ta");

  app.get(
    "/api/classes/:id/grades",
    {
      preHandler: staff,
      schema: {
        tags,
        security: bearer,
        summary: "The class's students x the topology's checks: each latest counted result",
        params: classParams,
        querystring: gradesQuery,
        response: { 200: gradeGridSchema.or(z.string()), ...errors },
      },
    },
    async (request, reply) => {
      const { topology, format } = request.query;
      const grid = await app.gradebook.grid(currentUser(request), request.params.id, topology);
      if (format === "json") return gridJson(grid);
      return reply
        .type("text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="grades-${topology}.csv"`)
        .send(gradesCsv(grid));
    },
  );

  app.get(
    "/api/classes/:id/deadlines",
    {
      preHandler: staff,
      schema: {
        tags,
        security: bearer,
        params: classParams,
        response: { 200: z.array(deadlineSchema), ...errors },
      },
    },
    async (request) =>
      app.gradebook.deadlines(currentUser(request), request.params.id).map(deadlineJson),
  );

  app.put(
    "/api/classes/:id/deadlines/:topology",
    {
      preHandler: app.requireRole("instructor"),
      schema: {
        tags,
        security: bearer,
        summary: "Set the deadline: then every student's checks run once and results freeze",
        params: deadlineParams,
        body: deadlineBody,
        response: { 200: deadlineSchema, ...errors },
      },
    },
    async (request) => {
      const { id, topology } = request.params;
      const at = Date.parse(request.body.at);
      return deadlineJson(await app.gradebook.setDeadline(currentUser(request), id, topology, at));
    },
  );

  app.delete(
    "/api/classes/:id/deadlines/:topology",
    {
      preHandler: app.requireRole("instructor"),
      schema: {
        tags,
        security: bearer,
        params: deadlineParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      const { id, topology } = request.params;
      app.gradebook.clearDeadline(currentUser(request), id, topology);
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/api/classes/:id/checks",
    {
      preHandler: staff,
      schema: {
        tags,
        security: bearer,
        summary: "Run every student's checks of the topology now (a bulk job)",
        description: "Progress: GET /api/jobs/{id}/events (server-sent events).",
        params: classParams,
        body: classChecksBody,
        response: { 202: jobSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { topology, concurrency } = request.body;
      const job = await app.gradebook.checkClass(
        currentUser(request),
        app.jobs,
        request.params.id,
        topology,
        concurrency,
      );
      return reply.code(202).send(job);
    },
  );

  app.get(
    "/api/labs/:id/checks/history",
    {
      preHandler: app.requireRole(),
      schema: {
        tags: ["labs"],
        security: bearer,
        summary: "Every stored run of the lab's checks, newest first",
        params: labParams,
        querystring: historyQuery,
        response: { 200: z.array(historyEntrySchema), ...labErrors },
      },
    },
    async (request) => {
      const entries = await app.labs.checkHistory(
        currentUser(request),
        request.params.id,
        request.query.limit,
      );
      return entries.map(
        ({ check, task, passed, exitCode, output, vantage, node, ranAt, triggeredBy, graded }) => ({
          check,
          task,
          passed,
          exitCode,
          output,
          vantage,
          node,
          ranAt: iso(ranAt),
          triggeredBy,
          graded,
        }),
      );
    },
  );
};

export default routes;
