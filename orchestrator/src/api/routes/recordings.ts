// Terminal recordings, for instructors and TAs: a TA sees the recordings of their class's
// students' labs only (another's answer 404, as a missing one); students see none (403).
import { createReadStream } from "node:fs";
import { access } from "node:fs/promises";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { canSeeOwner, ownerFilter } from "../../classroom/access.ts";
import { notFound } from "../../classroom/errors.ts";
import { listRecordings, recordingById } from "../../store/recordings.ts";
import { currentUser } from "../plugins/auth.ts";
import { authErrors, bearer, errorSchema } from "../schemas/common.ts";
import {
  ASCIICAST_TYPE,
  asciicastSchema,
  recordingListSchema,
  recordingParams,
  recordingsQuery,
} from "../schemas/recordings.ts";

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    "/api/recordings",
    {
      preHandler: app.requireRole("instructor", "ta"),
      schema: {
        tags: ["recordings"],
        security: bearer,
        summary: "Terminal sessions' recordings, newest first",
        querystring: recordingsQuery,
        response: { 200: recordingListSchema, ...authErrors },
      },
    },
    async (request) => {
      const visible = ownerFilter(app.db, currentUser(request));
      return listRecordings(app.db, request.query.lab)
        .filter((r) => visible(r.labOwner))
        .map(({ id, lab, node, owner, startedAt, endedAt, bytes, truncated }) => ({
          id,
          lab,
          node,
          owner,
          startedAt,
          endedAt,
          bytes,
          truncated,
        }));
    },
  );

  app.get(
    "/api/recordings/:id",
    {
      preHandler: app.requireRole("instructor", "ta"),
      schema: {
        tags: ["recordings"],
        security: bearer,
        summary: "A recording, as an asciicast v2 file",
        params: recordingParams,
        response: { 200: asciicastSchema, ...authErrors, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const recording = recordingById(app.db, request.params.id);
      if (!recording || !canSeeOwner(app.db, currentUser(request), recording.labOwner)) {
        throw notFound(`recording ${request.params.id}`);
      }
      await access(recording.path).catch(() => {
        throw notFound(`the file of recording ${recording.id}`);
      });
      return reply
        .type(ASCIICAST_TYPE)
        .header(
          "content-disposition",
          `attachment; filename="${recording.lab}-${recording.node}-${recording.id}.cast"`,
        )
        .send(createReadStream(recording.path));
    },
  );
};

export default routes;
