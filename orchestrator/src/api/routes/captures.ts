// Captures: a pcap of a lab network, streamed as tcpdump writes it. Who may capture a lab is who
// may see it; a lab one may not see is a 404, as on every lab route.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { currentUser } from "../plugins/auth.ts";
import {
  CAPTURE_MAX_SECONDS,
  captureParams,
  captureQuery,
  PCAP_TYPE,
  pcapSchema,
} from "../schemas/captures.ts";
import { bearer } from "../schemas/common.ts";
import { labErrors } from "../schemas/labs.ts";

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    "/api/labs/:id/networks/:network/capture",
    {
      preHandler: app.requireRole(),
      schema: {
        tags: ["labs"],
        security: bearer,
        summary: `Record N seconds (1 to ${CAPTURE_MAX_SECONDS}, default 10) of a network's traffic as a pcap file`,
        description:
          "Every frame crossing the network's bridge, sniffable or not. The download starts as soon as the capture listens and ends when its time is up.",
        params: captureParams,
        querystring: captureQuery,
        response: { 200: pcapSchema, ...labErrors },
      },
    },
    async (request, reply) => {
      const { id, network } = request.params;
      const pcap = await app.labs.capture(currentUser(request), id, network, request.query.seconds);
      const stamp = new Date().toISOString().replaceAll(/[:.]/g, "-");
      return reply
        .type(PCAP_TYPE)
        .header("content-disposition", `attachment; filename="${id}-${network}-${stamp}.pcap"`)
        .send(pcap);
    },
  );
};

export default routes;
