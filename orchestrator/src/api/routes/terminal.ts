// A node's terminal over a WebSocket (protocol: terminals/protocol.ts), and the lab's live
// terminal sessions. The upgrade itself needs no token (browsers cannot set headers on a
// WebSocket): the first message carries it, and terminals/admission.ts applies the REST lab
// routes' rules before anything runs in the node. Sessions live in a registry and outlive their
// sockets.
import { rm } from "node:fs/promises";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { WebSocket } from "ws";
import { NotFoundError } from "../../classroom/errors.ts";
import { audit } from "../../store/audit.ts";
import { tokenIdProblem } from "../../store/users.ts";
import { type AdmissionServices, admit } from "../../terminals/admission.ts";
import { serveConnection } from "../../terminals/connection.ts";
import {
  DEFAULT_RECORDING_QUOTA,
  type RecordingQuotaLimits,
} from "../../terminals/recording-quota.ts";
import {
  DEFAULT_TERMINAL_OPTIONS,
  recordingsFolder,
  type TerminalOptions,
  TerminalRegistry,
} from "../../terminals/registry.ts";
import { currentUser } from "../plugins/auth.ts";
import { bearer } from "../schemas/common.ts";
import { labErrors, labParams } from "../schemas/labs.ts";
import { terminalListSchema, terminalParams } from "../schemas/terminal.ts";

export interface TerminalRoutesOptions extends Partial<Omit<TerminalOptions, "recordingQuota">> {
  /** Either bound; the other keeps its default. */
  recordingQuota?: Partial<RecordingQuotaLimits>;
  /** The service's data folder: recordings go to its `recordings/` unless `recordingsDir`. */
  dataDir: string;
}

const routes: FastifyPluginAsyncZod<TerminalRoutesOptions> = async (app, options) => {
  const recordings = recordingsFolder(options.dataDir, options.recordingsDir);
  if (recordings.temporary) {
    app.addHook("onClose", () => rm(recordings.path, { recursive: true, force: true }));
  }
  const registry = new TerminalRegistry(
    app.db,
    {
      ...DEFAULT_TERMINAL_OPTIONS,
      ...options,
      recordingQuota: { ...DEFAULT_RECORDING_QUOTA, ...options.recordingQuota },
      recordingsDir: recordings.path,
    },
    {
      touch: (lab) => app.labs.touchLab(lab),
      audit: (actor, action, target, detail) => audit(app.db, actor, action, target, detail),
      log: (error, message) => app.log.error({ err: error }, message),
    },
  );
  // A node stopped at its disk limit: its terminals say why before its shells end.
  app.diskWatch.onStopping((layer, reason) => {
    for (const session of registry.ofLab(layer.lab)) {
      if (session.info.node === layer.node) session.notice(`[socketlab] ${reason}.`);
    }
  });
  app.sweeper.addChore({
    name: "recordings' retention",
    run: (now) => registry.deleteOldRecordings(now),
  });
  // A revocation closes the user's terminals at once; a class's term ending, at the next sweep.
  app.signOuts.listen((login, reason) => {
    registry
      .signOut(login, reason)
      .catch((error: unknown) => app.log.error({ err: error }, "terminal: signing out"));
  });
  app.sweeper.addChore({
    name: "terminals of expired tokens",
    run: (now) => registry.dropSignedOut((tokenId) => tokenIdProblem(app.db, tokenId, now)),
  });
  const services: AdmissionServices = {
    db: app.db,
    registry,
    labOwner: async (user, lab) => {
      try {
        // Throws NotFoundError for a lab that does not exist or that the user may not see.
        return (await app.labs.status(user, lab)).owner;
      } catch (error) {
        if (error instanceof NotFoundError) return null;
        throw error;
      }
    },
    engineFor: (lab) => app.engines.forLab(lab),
    now: () => app.labs.now(),
  };
  // Open sockets, so that stopping the service waits for them to leave their sessions.
  const connections = new Map<WebSocket, Promise<void>>();
  // Before the database closes (onClose): ending a session records its recording's end. The
  // WebSocket plugin's own preClose, which runs first, has already begun closing every socket
  // (no code: 1005 at the client); here the shells are killed, and a socket whose peer does not
  // finish the closing handshake is not waited for.
  app.addHook("preClose", async () => {
    await registry.close();
    for (const socket of connections.keys()) socket.terminate();
    await Promise.all(connections.values());
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
      const target = {
        lab: request.params.id,
        node: request.params.node,
        failedToken: () => app.failedToken(request),
      };
      const served = serveConnection(socket, {
        admit: (hello) => admit(services, target, hello),
        log: (error, message) => request.log.error({ err: error }, message),
      });
      connections.set(socket, served);
      void served.then(() => connections.delete(socket));
    },
  );

  app.get(
    "/api/labs/:id/terminals",
    {
      preHandler: app.requireRole(),
      schema: {
        tags: ["labs"],
        security: bearer,
        summary: "The lab's live terminal sessions (to reconnect to or to watch)",
        params: labParams,
        response: { 200: terminalListSchema, ...labErrors },
      },
    },
    async (request) => {
      const { id } = request.params;
      await app.labs.status(currentUser(request), id);
      return registry.ofLab(id).map((s) => ({
        session: s.info.id,
        node: s.info.node,
        owner: s.info.owner,
        startedAt: s.info.startedAt.toISOString(),
        viewers: s.viewerCount,
      }));
    },
  );
};

export default routes;
