// The topology library: list it, validate YAML, and (instructors) add to it, from YAML or an
// archive of a whole folder, read its entries and retire them.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { InvalidInputError } from "../../classroom/errors.ts";
import { unpackArchive } from "../../classroom/topology-archive.ts";
import { topologyFormatSchema } from "../../roles/load.ts";
import { audit } from "../../store/audit.ts";
import { currentUser } from "../plugins/auth.ts";
import { authErrors, bearer, errorSchema } from "../schemas/common.ts";
import {
  ARCHIVE_BODY_LIMIT_BYTES,
  addTopologyBody,
  archiveBody,
  entryViewSchema,
  libraryEntrySchema,
  topologyParams,
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

  app.post(
    "/api/topologies/archive",
    {
      preHandler: app.requireRole("instructor"),
      bodyLimit: ARCHIVE_BODY_LIMIT_BYTES,
      schema: {
        tags,
        security: bearer,
        summary:
          "Add a topology folder (YAML, handout, source files) from an archive; every problem before anything is saved",
        body: archiveBody,
        response: {
          201: validationSchema,
          400: z.union([validationSchema, errorSchema]),
          409: errorSchema,
          ...authErrors,
        },
      },
    },
    async (request, reply) => {
      const { archiveBase64, overwrite } = request.body;
      const unpacked = await unpackArchive(Buffer.from(archiveBase64, "base64"));
      if (!unpacked.ok) throw new InvalidInputError("the archive is refused", unpacked.errors);
      const { name, diagnostics } = await app.library.addFolder(unpacked.files, overwrite);
      if (diagnostics.length > 0)
        return reply.code(400).send({ ok: false, name: null, diagnostics });
      audit(app.db, currentUser(request).login, "topology.add", name, {
        overwrite,
        files: unpacked.files.size,
      });
      return reply.code(201).send({ ok: true, name, diagnostics: [] });
    },
  );

  app.get(
    "/api/topologies/:name",
    {
      preHandler: app.requireRole("instructor", "ta"),
      schema: {
        tags,
        security: bearer,
        summary: "A library entry's YAML, handout and files",
        params: topologyParams,
        response: { 200: entryViewSchema, 404: errorSchema, ...authErrors },
      },
    },
    async (request) => app.library.show(request.params.name),
  );

  app.delete(
    "/api/topologies/:name",
    {
      preHandler: app.requireRole("instructor"),
      schema: {
        tags,
        security: bearer,
        summary: "Retire a library entry (kept aside, out of the library); its labs keep running",
        params: topologyParams,
        response: { 204: z.null(), 404: errorSchema, ...authErrors },
      },
    },
    async (request, reply) => {
      await app.library.retire(request.params.name);
      audit(app.db, currentUser(request).login, "topology.retire", request.params.name);
      return reply.code(204).send(null);
    },
  );
};

export default routes;
