// The pool of engines, for instructors: list with load, add, drain, remove.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { poolRefusal } from "../../classroom/engine-errors.ts";
import { InvalidInputError } from "../../classroom/errors.ts";
import { type EngineReport, PoolRequestError } from "../../engines/engines.ts";
import { EngineSpecError } from "../../engines/spec.ts";
import { audit } from "../../store/audit.ts";
import { currentUser } from "../plugins/auth.ts";
import { bearer } from "../schemas/common.ts";
import {
  addEngineBody,
  drainBody,
  engineErrors,
  engineParams,
  engineSchema,
  enginesSchema,
} from "../schemas/engines.ts";

/** The pool's refusals as the classroom's. */
async function answer<T>(action: () => Promise<T> | T): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof PoolRequestError) throw poolRefusal(error);
    if (error instanceof EngineSpecError) throw new InvalidInputError(error.message);
    throw error;
  }
}

const routes: FastifyPluginAsyncZod = async (app) => {
  const instructor = app.requireRole("instructor");
  const tags = ["engines"];
  const report = async (name: string) =>
    (await app.engines.reports()).find((r) => r.name === name) as EngineReport;

  app.get(
    "/api/engines",
    {
      preHandler: instructor,
      schema: {
        tags,
        security: bearer,
        summary: "Every engine of the pool with its load and capacity",
        response: { 200: enginesSchema, ...engineErrors },
      },
    },
    async () => app.engines.reports(),
  );

  app.post(
    "/api/engines",
    {
      preHandler: instructor,
      schema: {
        tags,
        security: bearer,
        summary: "Add an engine to the pool (kept across restarts)",
        body: addEngineBody,
        response: { 201: engineSchema, ...engineErrors },
      },
    },
    async (request, reply) => {
      const { spec } = await answer(() => app.engines.add(request.body, "body"));
      audit(app.db, currentUser(request).login, "engine.add", spec.name, { host: spec.host });
      return reply.code(201).send(await report(spec.name));
    },
  );

  app.post(
    "/api/engines/:name/drain",
    {
      preHandler: instructor,
      schema: {
        tags,
        security: bearer,
        summary:
          "Drain an engine: it keeps its labs and takes no new one ({drained: false} undoes)",
        params: engineParams,
        body: drainBody,
        response: { 200: engineSchema, ...engineErrors },
      },
    },
    async (request) => {
      const drained = request.body?.drained ?? true;
      await answer(() => app.engines.drain(request.params.name, drained));
      audit(app.db, currentUser(request).login, "engine.drain", request.params.name, { drained });
      return report(request.params.name);
    },
  );

  app.delete(
    "/api/engines/:name",
    {
      preHandler: instructor,
      schema: {
        tags,
        security: bearer,
        summary: "Remove an engine that holds no lab",
        params: engineParams,
        response: { 204: z.null(), ...engineErrors },
      },
    },
    async (request, reply) => {
      await answer(() => app.engines.remove(request.params.name));
      audit(app.db, currentUser(request).login, "engine.remove", request.params.name);
      return reply.code(204).send(null);
    },
  );
};

export default routes;
