// The web dashboard (dashboard/, built by `vite build` into dashboard/dist): its files at `/`, and
// index.html for every other GET outside /api, so that the dashboard's own routes (/labs/ID...)
// load it too. /api stays the API's: an unknown API path is the API's JSON 404.
import { existsSync } from "node:fs";
import { join } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";
import { REPO_ROOT } from "../../paths.ts";

export const DASHBOARD_DIST = join(REPO_ROOT, "dashboard", "dist");

export default async function dashboard(
  app: FastifyInstance,
  options: { root?: string },
): Promise<void> {
  const root = options.root ?? DASHBOARD_DIST;
  // The API works without the dashboard; set-up (scripts/setup.sh) builds it.
  if (!existsSync(join(root, "index.html"))) {
    app.log.warn(
      { root },
      "the dashboard is not built (run scripts/setup.sh); serving the API only",
    );
    return;
  }
  const assets = join(root, "assets");
  await app.register(fastifyStatic, {
    root,
    prefix: "/",
    // One route per file found now, rather than a catch-all: the catch-all below is ours.
    wildcard: false,
    setHeaders: (reply, path) => {
      // Vite names its assets by their content's hash: they never change under one name.
      reply.header(
        "cache-control",
        path.startsWith(assets) ? "public, max-age=31536000, immutable" : "no-cache",
      );
    },
  });
  app.get("/*", { schema: { hide: true } }, (request, reply) => {
    if (request.url === "/api" || request.url.startsWith("/api/")) return reply.callNotFound();
    return reply.header("cache-control", "no-cache").sendFile("index.html");
  });
}
