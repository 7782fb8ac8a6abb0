// A web server: nginx serves static files from /srv/www and CGI scripts from /srv/cgi-bin (through
// fcgiwrap, as www-data) and proxies a WSGI app run by gunicorn (from /srv/wsgi), over HTTP and,
// with `tls: true`, HTTPS with a certificate from the lab CA. gunicorn rather than uWSGI: one
// Python package from Debian, started with one command, whose errors read as Python's.
import { z } from "zod";
import type { FileDef } from "../topology/model.ts";
import { dnsName, labCertificate, unreachableCa } from "./ca.ts";
import { textFile } from "./files.ts";
import { shellQuote } from "./shell-quote.ts";
import { TLS_CERT_PATH, TLS_KEY_PATH } from "./tls-paths.ts";
import { type ConfigProblem, defineRole } from "./types.ts";

const SRV = "/srv";
export const WEB_ROOT = `${SRV}/www`;
/** Served as /cgi-bin/. */
export const CGI_DIR = `${SRV}/cgi-bin`;
export const WSGI_DIR = `${SRV}/wsgi`;
const NGINX_CONF = "/etc/nginx/nginx.conf";
const FCGI_SOCKET = "/run/fcgiwrap.socket";
const GUNICORN_SOCKET = "/run/gunicorn.socket";

const port = z.number().int().min(1).max(65535);
const PYTHON_NAME = "[A-Za-z_][A-Za-z0-9_]*";

const configSchema = z
  .strictObject({
    ports: z.array(port).default([80]).describe("HTTP ports; [] for HTTPS only."),
    tls: z.boolean().default(false).describe("HTTPS with a certificate from the lab CA."),
    tlsPorts: z.array(port).min(1).optional().describe("HTTPS ports, when `tls` is on."),
    names: z
      .array(dnsName)
      .default([])
      .describe("Names the certificate is valid for besides the node's name and addresses."),
    static: z
      .record(
        z
          .string()
          .regex(
            /^(\/[A-Za-z0-9._~-]+)+$/,
            "a path like /index.html: '/'-separated names of letters, digits and . _ ~ -",
          )
          .refine((p) => !p.split("/").some((step) => step === "." || step === ".."), {
            message: "a path without '.' or '..' steps",
          }),
        z.string(),
      )
      .default({})
      .describe("Files under the web root: URL path -> content."),
    cgi: z
      .record(
        z.string().regex(/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/, "a file name: letters, digits, . _ -"),
        z.string(),
      )
      .default({})
      .describe(
        "CGI scripts under /cgi-bin/: name -> source; one without a `#!` line runs with python3.",
      ),
    wsgi: z
      .strictObject({
        app: z
          .string()
          .regex(
            new RegExp(`^${PYTHON_NAME}(\\.${PYTHON_NAME})*:${PYTHON_NAME}$`),
            "app is module:callable, like app:application",
          ),
        mount: z
          .string()
          .regex(/^(\/|(\/[A-Za-z0-9._~-]+)+\/?)$/, "mount is a URL path like /app")
          .default("/app")
          .describe('The URL prefix it answers under (its SCRIPT_NAME); "/" for the whole site.'),
      })
      .optional()
      .describe(
        "A WSGI app (module:callable); its source goes into /srv/wsgi through the node's `files`.",
      ),
  })
  .superRefine((config, context) => {
    if (config.tlsPorts !== undefined && !config.tls) {
      context.addIssue({ code: "custom", path: ["tlsPorts"], message: "tlsPorts needs tls: true" });
    }
    const seen = new Set<number>();
    const listed: [string, number[]][] = [
      ["ports", config.ports],
      ["tlsPorts", httpsPorts(config)],
    ];
    for (const [field, ports] of listed) {
      ports.forEach((p, index) => {
        if (seen.has(p)) {
          context.addIssue({
            code: "custom",
            path: [field, index],
            message: `port ${p} is listed twice`,
          });
        }
        seen.add(p);
      });
    }
    if (seen.size === 0) {
      context.addIssue({ code: "custom", path: ["ports"], message: "a web server needs a port" });
    }
  });

export type WebConfig = z.infer<typeof configSchema>;

export const web = defineRole<WebConfig>({
  name: "web",
  imageFolder: "web",
  summary: "nginx: static files, Python CGI scripts, a WSGI app (gunicorn), HTTPS from the lab CA",
  config: configSchema,
  check(config, node, topology) {
    const problems: ConfigProblem[] = [];
    const noCa = config.tls ? unreachableCa(node, topology) : undefined;
    if (noCa !== undefined) problems.push({ path: ["tls"], message: `tls ${noCa}` });
    if (config.wsgi) {
      const candidates = moduleFiles(config.wsgi.app);
      if (!node.files.some((f) => candidates.includes(f.path))) {
        problems.push({
          path: ["wsgi", "app"],
          message: `no source for its module among the node's files (${candidates.join(" or ")})`,
        });
      }
    }
    return problems;
  },
  configure(config, node, instance) {
    // The loader's check made sure a CA is reachable when tls is on.
    const certificate = config.tls ? labCertificate(node, instance, config.names) : undefined;
    return {
      files: [
        ...(certificate?.files ?? []),
        textFile(NGINX_CONF, nginxConfig(config)),
        ...contentFiles(config),
      ],
      start: [...(certificate?.start ?? []), ...startCommands(config)],
      ready: { command: readyCommand(config), timeoutSeconds: 30 },
    };
  },
});

/** The nginx configuration for a web node: every server setting comes from here. */
export function nginxConfig(config: WebConfig): string {
  const server = [
    ...config.ports.map((p) => `listen ${p};`),
    ...httpsPorts(config).map((p) => `listen ${p} ssl;`),
    "server_name _;",
    ...(config.tls
      ? [`ssl_certificate ${TLS_CERT_PATH};`, `ssl_certificate_key ${TLS_KEY_PATH};`]
      : []),
    `root ${WEB_ROOT};`,
    "index index.html;",
    "",
    // /cgi-bin/NAME/more runs CGI_DIR/NAME with PATH_INFO /more.
    "location /cgi-bin/ {",
    "  fastcgi_split_path_info ^(/cgi-bin/[^/]+)(.*)$;",
    "  include /etc/nginx/fastcgi_params;",
    `  fastcgi_param SCRIPT_FILENAME ${SRV}$fastcgi_script_name;`,
    "  fastcgi_param PATH_INFO $fastcgi_path_info;",
    `  fastcgi_pass unix:${FCGI_SOCKET};`,
    "}",
    ...(config.wsgi ? ["", ...wsgiLocation(config.wsgi.mount)] : []),
  ];
  return `# Written by socketlab from the node's web config (orchestrator/src/roles/web.ts).
user www-data;
worker_processes 1;
pid /run/nginx.pid;
error_log /var/log/nginx/error.log;

events {
  worker_connections 256;
}

http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log /var/log/nginx/access.log;
  sendfile on;

  server {
${server.map((line) => (line === "" ? "" : `    ${line}`)).join("\n")}
  }
}
`;
}

function wsgiLocation(mount: string): string[] {
  const prefix = mount.replace(/\/+$/, "");
  return [
    `location ${prefix}/ {`,
    `  proxy_pass http://unix:${GUNICORN_SOCKET};`,
    "  proxy_set_header Host $host;",
    "  proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
    "  proxy_set_header X-Forwarded-Proto $scheme;",
    "}",
  ];
}

function httpsPorts(config: Pick<WebConfig, "tls" | "tlsPorts">): number[] {
  return config.tls ? (config.tlsPorts ?? [443]) : [];
}

function contentFiles(config: WebConfig): FileDef[] {
  return [
    ...Object.entries(config.static).map(([path, content]) =>
      textFile(`${WEB_ROOT}${path}`, content),
    ),
    ...Object.entries(config.cgi).map(([name, source]) =>
      textFile(
        `${CGI_DIR}/${name}`,
        source.startsWith("#!") ? source : `#!/usr/bin/python3\n${source}`,
        0o755,
      ),
    ),
  ];
}

function startCommands(config: WebConfig): string[] {
  const commands = [
    // CGI scripts run as www-data, not root: spawn-fcgi binds the socket and drops privileges.
    `spawn-fcgi -s ${FCGI_SOCKET} -M 0660 -u www-data -g www-data -U www-data -G www-data -- /usr/sbin/fcgiwrap -c 2 >/dev/null`,
  ];
  if (config.wsgi) {
    const prefix = config.wsgi.mount.replace(/\/+$/, "");
    commands.push(
      [
        "python3 -m gunicorn --daemon --user www-data --group www-data --workers 2",
        `--chdir ${WSGI_DIR} --bind unix:${GUNICORN_SOCKET}`,
        // gunicorn takes the prefix off PATH_INFO and gives it to the app as SCRIPT_NAME.
        ...(prefix === "" ? [] : [`--env SCRIPT_NAME=${shellQuote(prefix)}`]),
        "--error-logfile /var/log/gunicorn.log",
        shellQuote(config.wsgi.app),
      ].join(" "),
    );
  }
  commands.push("nginx");
  return commands;
}

/** nginx answers (any status), and so does gunicorn when there is an app. */
function readyCommand(config: WebConfig): string {
  const [http] = config.ports;
  const nginx =
    http === undefined
      ? `curl -sk -o /dev/null https://127.0.0.1:${httpsPorts(config)[0]}/`
      : `curl -s -o /dev/null http://127.0.0.1:${http}/`;
  return config.wsgi
    ? `${nginx} && curl -s -o /dev/null --unix-socket ${GUNICORN_SOCKET} http://localhost/`
    : nginx;
}

/** Where the source of a WSGI module may be: `a.b` is /srv/wsgi/a/b.py or /srv/wsgi/a/b/__init__.py. */
function moduleFiles(app: string): string[] {
  const module = (app.split(":")[0] ?? "").replaceAll(".", "/");
  return [`${WSGI_DIR}/${module}.py`, `${WSGI_DIR}/${module}/__init__.py`];
}
