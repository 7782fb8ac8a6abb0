// Security headers on every answer (@fastify/helmet): nosniff, no framing, no referrer beyond the
// origin, and a Content Security Policy that lets the dashboard and the API reference load only
// their own files. A handout is a student-visible page built from an instructor's Markdown: even
// if something slipped past its sanitizer, no script from elsewhere (or inline) would run.
import helmet from "@fastify/helmet";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

export default fp(async (app: FastifyInstance) => {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        // The recordings' player (asciinema-player) runs its terminal emulator as WebAssembly,
        // compiled from bytes: 'wasm-unsafe-eval' allows that and no JavaScript eval.
        scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
        // xterm.js and the API reference write <style> elements of their own.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:"],
        fontSrc: ["'self'", "data:"],
        // The terminals' WebSockets are same-origin.
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // Served over plain HTTP on loopback or behind a proxy that owns TLS: HSTS is the proxy's to
    // send, and upgrading requests would break the plain-HTTP service.
    strictTransportSecurity: false,
  });
});
