// The rest of a lab's life from the page: stop it (files kept, resume starts it again) and give
// it more time (extension.ts says who may, and until when). Whoever may see the lab may ask.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { stopLab } from "../../labs/suspend.ts";
import { audit } from "../../store/audit.ts";
import { clockLab, labClock } from "../../store/lab-activity.ts";
import { ApiError } from "../errors.ts";
import { extendedExpiry } from "../extension.ts";
import { currentUser } from "../plugins/auth.ts";
import { bearer } from "../schemas/common.ts";
import { labErrors, labParams, labStatusSchema } from "../schemas/labs.ts";

const routes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    "/api/labs/:id/stop",
    {
      preHandler: app.requireRole(),
      schema: {
        tags: ["labs"],
        security: bearer,
        summary: "Stop the lab's nodes, keeping their files; resume starts them again",
        params: labParams,
        response: { 200: labStatusSchema, ...labErrors },
      },
    },
    async (request) => {
      const user = currentUser(request);
      const lab = request.params.id;
      const status = await app.labs.status(user, lab);
      if (status.state === "unavailable") {
        throw new ApiError(503, "engine_unavailable", `the engine of lab ${lab} does not answer`);
      }
      if (app.labs.isBusy(lab)) {
        throw new ApiError(409, "lab_busy", `lab ${lab} is being brought up, reset or resumed`);
      }
      const nodes = await stopLab(await app.engines.forLab(lab), lab);
      audit(app.db, user.login, "lab.stop", lab, { nodes });
      return app.labs.status(user, lab);
    },
  );

  app.post(
    "/api/labs/:id/extend",
    {
      preHandler: app.requireRole(),
      schema: {
        tags: ["labs"],
        security: bearer,
        summary: "Renew the lab's time to live from now (students: only while it is expiring)",
        params: labParams,
        response: { 200: labStatusSchema, ...labErrors },
      },
    },
    async (request) => {
      const user = currentUser(request);
      const lab = request.params.id;
      await app.labs.status(user, lab);
      const now = app.labs.now();
      const clock = labClock(app.db, lab);
      const extension = extendedExpiry(now, clock, app.labs.lifetime, user.role !== "student");
      if (!extension.ok) throw new ApiError(409, "extension_refused", extension.reason);
      clockLab(app.db, lab, now, extension.expiresAt, null);
      audit(app.db, user.login, "lab.extend", lab, {
        expiresAt: new Date(extension.expiresAt).toISOString(),
      });
      return app.labs.status(user, lab);
    },
  );
};

export default routes;
