// The topology library: list it, validate YAML, and (instructors) add to it.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { topologyFormatSchema } from "../../roles/load.ts";
import { audit } from "../../store/audit.ts";
import { currentUser } from "../plugins/auth.ts";
import { authErrors, bearer, errorSchema } from "../schemas/common.ts";
import {
  addTopologyBody,
  libraryEntrySchema,
  validateBody,
  validationSchema,
} from "../schemas/topologies.ts";

const routes: FastifyPluginAsyncZod = async (app) => {
  const tags = ["topologies"];
  const formatSchema = topologyFormatSchema();

  // No token: an editor (the YAML language server) fetches it by its address alone.
  app.get(
    "/api/topologies/schema.json",
    {
      schema: {
        tags,
        summary: "the topology format as a JSON Schema, for editors",
        response: { 200: z.record(z.string(), z.unknown()) },
      },
    },
    async () => formatSchema,
  );

  app.get(
    "/api/topologies",
    {
      preHandler: app.requireRole(),
      schema: {
        tags,
        security: bearer,
        response: { 200: z.array(libraryEntrySchema), ...authErrors },
      },
    },
    async () => app.library.list(),
  );

  app.post(
    "/api/topologies/validate",
    {
      preHandler: app.requireRole(),
      schema: {
        tags,
        security: bearer,
        summary: "Check topology YAML; every problem with its line, column and field",
        body: validateBody,
        response: { 200: validationSchema, ...authErrors, 400: errorSchema },
      },
    },
    async (request) => {
      const loaded = await app.library.validate(request.body.yaml);
      return loaded.ok
        ? { ok: true, name: loaded.topology.name, diagnostics: [] }
        : { ok: false, name: null, diagnostics: loaded.diagnostics };
    },
  );

  app.post(
    "/api/topologies",
    {
      preHandler: app.requireRole("instructor"),
      schema: {
        tags,
        security: bearer,
        summary: "Add a topology to the library (refused over an existing one unless overwrite)",
        body: addTopologyBody,
        response: {
          201: validationSchema,
          // Diagnostics of the YAML, or an error in the request itself.
          400: z.union([validationSchema, errorSchema]),
          409: errorSchema,
          ...authErrors,
        },
      },
    },
    async (request, reply) => {
      const { name, yaml, overwrite } = request.body;
      const diagnostics = await app.library.submit(name, yaml, overwrite);
      if (diagnostics.length > 0)
        return reply.code(400).send({ ok: false, name: null, diagnostics });
      audit(app.db, currentUser(request).login, "topology.add", name, { overwrite });
      return reply.code(201).send({ ok: true, name, diagnostics: [] });
    },
  );
};

export default routes;
