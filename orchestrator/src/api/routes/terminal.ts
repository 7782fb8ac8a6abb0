// A node's terminal over a WebSocket (protocol: schemas/terminal.ts). The upgrade itself needs no
// token (browsers cannot set headers on a WebSocket): the first message carries it, and the same
// rules as the REST lab routes apply before anything runs in the node.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { WebSocket } from "ws";
import { LabRequestError, nodeContainer } from "../../labs/lifecycle.ts";
import { openShell } from "../../runtime/shell.ts";
import { authenticate } from "../../store/users.ts";
import { runSession, TerminalRefused } from "../../terminals/session.ts";
import { ApiError } from "../errors.ts";
import { CLOSE, terminalParams } from "../schemas/terminal.ts";

const routes: FastifyPluginAsyncZod = async (app) => {
  // Open sessions, so that stopping the service kills their shells before it returns.
  const sessions = new Map<WebSocket, Promise<void>>();
  app.addHook("onClose", async () => {
    for (const socket of sessions.keys()) socket.terminate();
    await Promise.all(sessions.values());
  });

  app.get(
    "/api/labs/:id/nodes/:node/terminal",
    {
      websocket: true,
      schema: {
        tags: ["labs"],
        summary: "A node's terminal (WebSocket; the first message carries the token)",
        params: terminalParams,
      },
    },
    (socket, request) => {
      const { id: lab, node } = request.params;
      const finished = runSession(socket, {
        open: async (token, size) => {
          const user = authenticate(app.db, token)?.user;
          if (!user) {
            // Failed tokens count toward the address's limit as they do on the REST routes.
            const wait = await app.failedToken(request);
            if (wait === null) {
              throw new TerminalRefused(CLOSE.unauthorized, "the token is not valid");
            }
            throw new TerminalRefused(
              CLOSE.tooManyFailedTokens,
              `too many tokens that are not valid from this address; retry in ${wait} s`,
            );
          }
          try {
            // Throws 404 for a lab that does not exist or that the user may not see.
            await app.labs.status(user, lab);
            const engine = await app.engines.forLab(lab);
            const container = await nodeContainer(engine, lab, node);
            return await openShell(engine, container, size);
          } catch (error) {
            if (error instanceof ApiError && error.status === 404) {
              throw new TerminalRefused(CLOSE.notFound, error.message);
            }
            if (error instanceof LabRequestError) {
              throw new TerminalRefused(CLOSE.refused, error.message);
            }
            throw error;
          }
        },
        touch: () => app.labs.touchLab(lab),
        log: (error, message) => request.log.error({ err: error }, message),
      });
      sessions.set(socket, finished);
      void finished.then(() => sessions.delete(socket));
    },
  );
};

export default routes;
