// A node's terminal over a WebSocket (protocol: schemas/terminal.ts), and the lab's live
// terminal sessions. The upgrade itself needs no token (browsers cannot set headers on a
// WebSocket): the first message carries it, and the same rules as the REST lab routes apply
// before anything runs in the node. Sessions live in a registry and outlive their sockets.
import { mkdtempSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { WebSocket } from "ws";
import { LabRequestError, nodeContainer } from "../../labs/lifecycle.ts";
import { readLabRecord } from "../../runtime/lab-record.ts";
import { openShell } from "../../runtime/shell.ts";
import { audit } from "../../store/audit.ts";
import { authenticate, type User } from "../../store/users.ts";
import { type Admission, serveConnection, TerminalRefused } from "../../terminals/connection.ts";
import {
  DEFAULT_TERMINAL_OPTIONS,
  type TerminalOptions,
  TerminalRegistry,
} from "../../terminals/registry.ts";
import { DEFAULT_NODE_USER } from "../../topology/model.ts";
import { ApiError } from "../errors.ts";
import { currentUser } from "../plugins/auth.ts";
import { bearer } from "../schemas/common.ts";
import { labErrors, labParams } from "../schemas/labs.ts";
import {
  CLOSE,
  type HelloMessage,
  terminalListSchema,
  terminalParams,
} from "../schemas/terminal.ts";

export interface TerminalRoutesOptions extends Partial<TerminalOptions> {
  /** The service's data folder: recordings go to its `recordings/` unless `recordingsDir`. */
  dataDir: string;
}

const routes: FastifyPluginAsyncZod<TerminalRoutesOptions> = async (app, options) => {
  // Recordings go to the data folder; a service whose database is in memory (tests) keeps them
  // in a temporary folder, removed with it, as their metadata goes with the database.
  let recordingsDir = options.recordingsDir ?? join(options.dataDir, "recordings");
  if (!options.recordingsDir && options.dataDir === ":memory:") {
    const temporary = mkdtempSync(join(tmpdir(), "socketlab-recordings-"));
    recordingsDir = temporary;
    app.addHook("onClose", () => rm(temporary, { recursive: true, force: true }));
  }
  const registry = new TerminalRegistry(
    app.db,
    { ...DEFAULT_TERMINAL_OPTIONS, ...options, recordingsDir },
    {
      touch: (lab) => app.labs.touchLab(lab),
      audit: (actor, action, target, detail) => audit(app.db, actor, action, target, detail),
      log: (error, message) => app.log.error({ err: error }, message),
    },
  );
  app.sweeper.addChore({
    name: "recordings' retention",
    run: (now) => registry.deleteOldRecordings(now),
  });
  // Open sockets, so that stopping the service waits for them to leave their sessions.
  const connections = new Map<WebSocket, Promise<void>>();
  // Before the database closes (onClose): ending a session records its recording's end. Sockets
  // were told (1001) while the shells were killed; one that does not read is not waited for.
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
      const { id: lab, node } = request.params;

      /** The hello's user, or a refusal; failed tokens count toward the address's limit. */
      const signIn = async (token: string): Promise<User> => {
        const user = authenticate(app.db, token)?.user;
        if (user) return user;
        const wait = await app.failedToken(request);
        if (wait === null) throw new TerminalRefused(CLOSE.unauthorized, "the token is not valid");
        throw new TerminalRefused(
          CLOSE.tooManyFailedTokens,
          `too many tokens that are not valid from this address; retry in ${wait} s`,
        );
      };

      const admit = async (hello: HelloMessage): Promise<Admission> => {
        if (registry.closed) throw new TerminalRefused(CLOSE.goingAway, "the service is stopping");
        const user = await signIn(hello.token);
        const who = { login: user.login, role: user.role };
        let labOwner: string;
        try {
          // Throws 404 for a lab that does not exist or that the user may not see.
          labOwner = (await app.labs.status(user, lab)).owner;
        } catch (error) {
          if (error instanceof ApiError && error.status === 404) {
            throw new TerminalRefused(CLOSE.notFound, error.message);
          }
          throw error;
        }
        if (hello.session === undefined) {
          const size = { cols: hello.cols, rows: hello.rows };
          const engine = await app.engines.forLab(lab);
          let container: string;
          try {
            container = await nodeContainer(engine, lab, node);
          } catch (error) {
            if (error instanceof LabRequestError) {
              throw new TerminalRefused(CLOSE.refused, error.message);
            }
            throw error;
          }
          // The node's lab user, as its topology says (records older than `user:` have none).
          const planned = (await readLabRecord(engine, lab))?.nodes.find((n) => n.name === node);
          const shell = await openShell(
            engine,
            container,
            size,
            planned?.user ?? DEFAULT_NODE_USER,
          );
          if (registry.closed) {
            await shell.kill();
            throw new TerminalRefused(CLOSE.goingAway, "the service is stopping");
          }
          const session = registry.start({ lab, labOwner, node, owner: user.login, shell, size });
          return { session, user: who, mode: "control", created: true };
        }
        const session = registry.get(hello.session);
        if (!session || session.info.lab !== lab || session.info.node !== node) {
          throw new TerminalRefused(CLOSE.gone, "no such session on this node (it may have ended)");
        }
        const own = session.info.owner === user.login;
        if (!hello.watch) {
          if (!own) throw new TerminalRefused(CLOSE.forbidden, "this session is not yours");
          return { session, user: who, mode: "control", created: false };
        }
        // Staff who may see the lab (checked above) watch anyone's session; students their own.
        if (!own && user.role === "student") {
          throw new TerminalRefused(CLOSE.forbidden, "only TAs and instructors watch others");
        }
        return { session, user: who, mode: "watch", created: false };
      };

      const served = serveConnection(socket, {
        admit,
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
