// Bulk jobs: their state, their progress as server-sent events, and retrying failed students.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { StoredEvent } from "../../classroom/bulk.ts";
import { retryFailed, visibleJob } from "../../classroom/class-jobs.ts";
import { eventsAfter } from "../../store/jobs.ts";
import { currentUser } from "../plugins/auth.ts";
import { authErrors, bearer, errorSchema } from "../schemas/common.ts";
import { jobParams, jobSchema } from "../schemas/jobs.ts";

/** Sent while a job is quiet, so that proxies keep an idle stream open. */
const HEARTBEAT_MS = 15_000;

const routes: FastifyPluginAsyncZod = async (app) => {
  const tags = ["jobs"];
  const errors = { ...authErrors, 404: errorSchema, 409: errorSchema };
  const staff = app.requireRole("instructor", "ta");

  app.get(
    "/api/jobs/:id",
    {
      preHandler: staff,
      schema: {
        tags,
        security: bearer,
        params: jobParams,
        response: { 200: jobSchema, ...errors },
      },
    },
    async (request) => visibleJob(app.db, currentUser(request), request.params.id),
  );

  app.get(
    "/api/jobs/:id/events",
    {
      preHandler: staff,
      schema: {
        tags,
        security: bearer,
        params: jobParams,
        summary: "Progress as server-sent events: queued, started, ready, failed, then summary",
        description:
          "Every event so far is replayed first (after `Last-Event-ID` when sent); the stream ends after the summary.",
      },
    },
    async (request, reply) => {
      const job = visibleJob(app.db, currentUser(request), request.params.id);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        "content-type": "text/event-stream",
        "cache-control": "no-cache",
        connection: "keep-alive",
      });
      let last = Number(request.headers["last-event-id"]) || 0;
      let heartbeat: NodeJS.Timeout | undefined;
      let unsubscribe = () => {};
      const finish = () => {
        clearInterval(heartbeat);
        unsubscribe();
        raw.end();
      };
      const send = ({ seq, event }: StoredEvent) => {
        if (seq <= last || raw.writableEnded) return;
        last = seq;
        raw.write(`id: ${seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
        if (event.type === "summary") finish();
      };
      // Subscribe before replaying: nothing emitted in between is lost, and `seq` drops repeats.
      unsubscribe = app.jobs.subscribe(job.id, send);
      for (const stored of eventsAfter(app.db, job.id, last)) send(stored);
      if (!raw.writableEnded) {
        heartbeat = setInterval(() => raw.write(": heartbeat\n\n"), HEARTBEAT_MS);
        request.raw.on("close", finish);
      }
    },
  );

  app.post(
    "/api/jobs/:id/retry",
    {
      preHandler: staff,
      schema: {
        tags,
        security: bearer,
        summary: "Retry the students that failed, as a new job",
        params: jobParams,
        response: { 202: jobSchema, ...errors },
      },
    },
    async (request, reply) =>
      reply.code(202).send(retryFailed(app.db, app.jobs, currentUser(request), request.params.id)),
  );
};

export default routes;
