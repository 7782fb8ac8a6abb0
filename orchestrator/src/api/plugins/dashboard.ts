// The web dashboard (dashboard/, built by `vite build` into dashboard/dist): its files at `/`, and
// index.html for every other GET outside /api, so that the dashboard's own routes (/labs/ID...)
// load it too. /api stays the API's: an unknown API path is the API's JSON 404. Files are looked
// up at each request, so a rebuild (new asset names) is served without a restart.
import { existsSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";
import { dashboardDir } from "../../config.ts";
import { REPO_ROOT } from "../../paths.ts";
import { ApiError } from "../errors.ts";

/** Where the build is, unless SOCKETLAB_DASHBOARD_DIR names another (the browser tests build their own). */
const DASHBOARD_DIST = join(REPO_ROOT, "dashboard", "dist");

export default async function dashboard(app: FastifyInstance): Promise<void> {
  const root = resolve(dashboardDir() ?? DASHBOARD_DIST);
  // The API works without the dashboard; set-up (scripts/setup.sh) builds it, and a build made
  // while the service runs is served from then on.
  const built = () => existsSync(join(root, "index.html"));
  if (!built()) {
    app.log.warn({ root }, "the dashboard is not built (run scripts/setup.sh)");
  }
  const assets = join(root, "assets");
  // Only reply.sendFile: the route below chooses the file.
  await app.register(fastifyStatic, {
    root,
    serve: false,
    setHeaders: (reply, path) => {
      // Vite names its assets by their content's hash: they never change under one name.
      reply.header(
        "cache-control",
        path.startsWith(assets) ? "public, max-age=31536000, immutable" : "no-cache",
      );
    },
  });
  app.get("/*", { schema: { hide: true } }, (request, reply) => {
    const path = (request.params as { "*": string })["*"];
    if (path === "api" || path.startsWith("api/")) return reply.callNotFound();
    if (!built()) {
      throw new ApiError(
        503,
        "dashboard_not_built",
        "the dashboard is not built: run scripts/setup.sh",
      );
    }
    const file = resolve(root, path);
    const isFile =
      file.startsWith(root + sep) && statSync(file, { throwIfNoEntry: false })?.isFile();
    if (isFile) return reply.sendFile(relative(root, file));
    // A missing file (say, an asset of an older build) is a 404; any other path is a page's.
    if (/\.\w+$/.test(path)) return reply.callNotFound();
    return reply.sendFile("index.html");
  });
}
