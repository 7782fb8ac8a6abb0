// Instructors bring a SEED Labs set-up in: the topology folder and the import's report come
// back; nothing is kept on the server (adding the result to the library is its own request).
import { posix } from "node:path";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { memoryFolder } from "../../compose-import/folder.ts";
import { importCompose } from "../../compose-import/import.ts";
import { labName } from "../../compose-import/names.ts";
import { authErrors, bearer, errorSchema } from "../schemas/common.ts";
import {
  IMPORT_BODY_LIMIT_BYTES,
  importBody,
  importedSchema,
  importFailedSchema,
} from "../schemas/imports.ts";

const routes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    "/api/topologies/import",
    {
      preHandler: app.requireRole("instructor"),
      bodyLimit: IMPORT_BODY_LIMIT_BYTES,
      schema: {
        tags: ["topologies"],
        security: bearer,
        summary:
          "A SEED Labs docker-compose set-up as a topology folder, with a report; nothing is saved",
        body: importBody,
        response: {
          200: importedSchema,
          400: importFailedSchema.or(errorSchema),
          ...authErrors,
        },
      },
    },
    async (request, reply) => {
      const { compose, file, name, files } = request.body;
      const folder = memoryFolder(
        new Map(Object.entries(files).map(([path, data]) => [path, Buffer.from(data, "base64")])),
      );
      const result = await importCompose({
        text: compose,
        file,
        folder,
        name: name ?? labName(posix.dirname(file).split("/")),
      });
      if (!result.ok) return reply.code(400).send({ ok: false, diagnostics: result.diagnostics });
      return {
        ok: true as const,
        name: result.report.name,
        files: [...result.files].map(([path, data]) => ({
          path,
          contentBase64: data.toString("base64"),
        })),
        report: { nodes: result.report.nodes, notes: result.report.notes },
      };
    },
  );
};

export default routes;
