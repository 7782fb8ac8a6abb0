// The embedded database, open for the app's lifetime.
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { type Db, openDb } from "../../store/db.ts";

declare module "fastify" {
  interface FastifyInstance {
    db: Db;
  }
}

export default fp(async (app: FastifyInstance, options: { dataDir: string }) => {
  const db = openDb(options.dataDir);
  app.decorate("db", db);
  app.addHook("onClose", async () => db.close());
});
