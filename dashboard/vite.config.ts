// The dashboard's build: dashboard/ -> dashboard/dist, served by the service at / (see
// orchestrator/src/api/plugins/dashboard.ts). `vite` (the dev server) proxies /api to a running
// service, so that the dashboard can be worked on with live reload.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const service = process.env.SOCKETLAB_URL ?? "http://127.0.0.1:8080";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/",
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true },
  server: { proxy: { "/api": { target: service, ws: true } } },
});
