// The agent's server: HTTPS in front of the engine's socket. A request that carries the secret is
// relayed to the socket as it came (less the secret); an upgraded one (exec and attach streams)
// becomes a byte pipe between the client and the socket. Anything else gets 401 and the socket
// never sees it.
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import { createServer, type Server } from "node:https";
import { connect, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import { carriesSecret } from "./auth.ts";
import type { AgentSettings } from "./settings.ts";

export type RelaySettings = Pick<
  AgentSettings,
  "socket" | "cert" | "key" | "secret" | "maxConnections"
>;

/**
 * The server's timeouts. A relayed body has none: an image copied to the node over a slow link
 * streams for as long as it takes (Node's default would cut any request at 300 s). A request's
 * headers must arrive within headersTimeout, so that a caller trickling them (slowloris) does
 * not hold one of the bounded connections; a connection idle between requests is closed after
 * keepAliveTimeout.
 */
export const RELAY_TIMEOUTS = {
  requestTimeout: 0,
  headersTimeout: 20_000,
  keepAliveTimeout: 5_000,
} as const;

/**
 * A request's head may be as large as the engine itself takes (Go's default, 1 MiB): Node's
 * 16 KiB refused a lab's requests that the engine serves (431).
 */
export const RELAY_MAX_HEADER_BYTES = 1024 * 1024;

/** The agent's HTTPS server, not yet listening. */
export function createRelay(settings: RelaySettings): Server {
  const options = {
    cert: settings.cert,
    key: settings.key,
    maxHeaderSize: RELAY_MAX_HEADER_BYTES,
    ...RELAY_TIMEOUTS,
  };
  const server = createServer(options, (req, res) => {
    if (!carriesSecret(req.headers.authorization, settings.secret)) {
      req.resume();
      res.writeHead(401, { "content-type": "text/plain", connection: "close" });
      res.end("the agent's secret is required\n");
      return;
    }
    const upstream = httpRequest(
      {
        socketPath: settings.socket,
        method: req.method,
        path: req.url,
        headers: withoutSecret(req),
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", (error) => {
      if (res.headersSent) res.destroy();
      else res.writeHead(502, { "content-type": "text/plain" }).end(`engine: ${error.message}\n`);
    });
    // A client gone mid-answer (a followed log closed) ends the engine's side too.
    res.on("close", () => upstream.destroy());
    req.pipe(upstream);
  });
  server.on("upgrade", (req: IncomingMessage, client: Duplex, head: Buffer) => {
    if (!carriesSecret(req.headers.authorization, settings.secret)) {
      client.end("HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    const engine = connect(settings.socket, () => {
      engine.write(requestHead(req));
      if (head.length > 0) engine.write(head);
      engine.pipe(client);
      client.pipe(engine);
    });
    closeTogether(engine, client);
  });
  server.maxConnections = settings.maxConnections;
  return server;
}

function withoutSecret(req: IncomingMessage): OutgoingHttpHeaders {
  const { authorization: _secret, ...headers } = req.headers;
  return headers;
}

/** The request line and headers, as the engine must see them to answer with its upgrade. */
function requestHead(req: IncomingMessage): string {
  const lines = [`${req.method} ${req.url} HTTP/1.1`];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] as string;
    if (name.toLowerCase() !== "authorization") lines.push(`${name}: ${req.rawHeaders[i + 1]}`);
  }
  return `${lines.join("\r\n")}\r\n\r\n`;
}

/** Either side's failure ends the other (an end is passed on by the pipes). */
function closeTogether(engine: Socket, client: Duplex): void {
  engine.on("error", () => client.destroy());
  client.on("error", () => engine.destroy());
}
