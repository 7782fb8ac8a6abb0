import { describe, expect, it } from "vitest";
import type { NodePlan } from "../../src/plan/types.ts";
import { nginxConfig, type WebConfig, web } from "../../src/roles/web.ts";
import { planned } from "../support/roles.ts";
import { problems, yaml } from "../topology/helpers.ts";

/** A lab with a CA and one web node whose config (flow mappings) starts on line 12. */
function withConfig(lines: string[], files = ""): string {
  const head = yaml`
    name: lab
    networks:
      lan: { subnet: 10.0.0.0/24 }
    nodes:
      ca:
        role: ca
        networks: { lan: .5 }
      web:
        role: web
        networks: { lan: .80 }
        config:
  `;
  const config = lines.map((line) => `      ${line}`).join("\n");
  return `${head.trimEnd()}\n${config}\n${files}`;
}

async function webNode(lines: string[], files = ""): Promise<NodePlan> {
  const found = (await planned(withConfig(lines, files))).get("web");
  if (!found) throw new Error("no web node");
  return found;
}

/** A config as the schema makes it from what a topology writes. */
function config(written: Record<string, unknown>): WebConfig {
  return web.config?.parse(written) as WebConfig;
}

const fileText = (node: NodePlan, path: string) => {
  const file = node.files.find((f) => f.path === path);
  return file && Buffer.from(file.contentBase64, "base64").toString("utf8");
};

const WSGI_FILE = "    files:\n      - { path: /srv/wsgi/shop/app.py, content: 'app = None' }\n";

describe("web config in the topology", () => {
  it("reports each bad field at its place", async () => {
    expect(
      await problems(
        withConfig([
          "names: [www_1.example]",
          "static: { /../etc/passwd: x, index.html: y }",
          "cgi: { sub/run.py: x }",
          "wsgi: { app: shop, mount: app }",
          "gzip: on",
        ]),
      ),
    ).toEqual([
      "lab.yaml:12:15: nodes.web.config.names[0]: a DNS name: labels of letters, digits and '-' (63 at most each), joined by '.'",
      "lab.yaml:13:17: nodes.web.config.static./../etc/passwd: a path without '.' or '..' steps",
      "lab.yaml:13:36: nodes.web.config.static.index.html: a path like /index.html: '/'-separated names of letters, digits and . _ ~ -",
      "lab.yaml:14:14: nodes.web.config.cgi.sub/run.py: a file name: letters, digits, . _ -",
      "lab.yaml:15:20: nodes.web.config.wsgi.app: app is module:callable, like app:application",
      "lab.yaml:15:33: nodes.web.config.wsgi.mount: mount is a URL path like /app",
      "lab.yaml:16:7: nodes.web.config.gzip: unknown field 'gzip'",
    ]);
  });

  it("refuses a port listed twice, by HTTP or by HTTP and HTTPS", async () => {
    expect(await problems(withConfig(["ports: [80, 80]"]))).toEqual([
      "lab.yaml:12:19: nodes.web.config.ports[1]: port 80 is listed twice",
    ]);
    expect(await problems(withConfig(["ports: [8443]", "tls: true", "tlsPorts: [8443]"]))).toEqual([
      "lab.yaml:14:18: nodes.web.config.tlsPorts[0]: port 8443 is listed twice",
    ]);
  });

  it("refuses HTTPS ports without tls, and a server with no port at all", async () => {
    expect(await problems(withConfig(["tlsPorts: [443]"]))).toEqual([
      "lab.yaml:12:7: nodes.web.config.tlsPorts: tlsPorts needs tls: true",
    ]);
    expect(await problems(withConfig(["ports: []"]))).toEqual([
      "lab.yaml:12:7: nodes.web.config.ports: a web server needs a port",
    ]);
  });

  it("refuses a WSGI app whose module is not among the node's files", async () => {
    expect(await problems(withConfig(["wsgi: { app: 'shop.app:app' }"]))).toEqual([
      "lab.yaml:12:20: nodes.web.config.wsgi.app: no source for its module among the node's files (/srv/wsgi/shop/app.py or /srv/wsgi/shop/app/__init__.py)",
    ]);
    expect(await problems(withConfig(["wsgi: { app: 'shop.app:app' }"], WSGI_FILE))).toEqual([]);
  });

  it("refuses tls with no CA in the lab, or none on the node's networks", async () => {
    const noCa = withConfig(["tls: true"]).replace("role: ca", "role: client");
    expect(await problems(noCa)).toEqual([
      "lab.yaml:12:12: nodes.web.config.tls: tls needs a certificate from the lab CA: add a node with role 'ca'",
    ]);
    const elsewhere = withConfig(["tls: true"])
      .replace(
        "lan: { subnet: 10.0.0.0/24 }",
        "lan: { subnet: 10.0.0.0/24 }\n  pki: { subnet: 10.0.1.0/24 }",
      )
      .replace("networks: { lan: .5 }", "networks: { pki: .5 }");
    expect(await problems(elsewhere)).toEqual([
      "lab.yaml:13:12: nodes.web.config.tls: tls needs a certificate from the lab CA, but shares no network with its CA node 'ca'",
    ]);
  });
});

describe("nginx.conf", () => {
  const serverLines = (text: string) =>
    text
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => /^(listen|ssl_|root|location|proxy_pass|fastcgi_pass)/.test(line));

  it("serves HTTP on port 80, the web root and CGI, by default", () => {
    expect(serverLines(nginxConfig(config({})))).toEqual([
      "listen 80;",
      "root /srv/www;",
      "location /cgi-bin/ {",
      "fastcgi_pass unix:/run/fcgiwrap.socket;",
    ]);
  });

  it("runs CGI scripts from /srv/cgi-bin with their PATH_INFO", () => {
    const text = nginxConfig(config({}));
    expect(text).toContain("fastcgi_split_path_info ^(/cgi-bin/[^/]+)(.*)$;");
    expect(text).toContain("fastcgi_param SCRIPT_FILENAME /srv$fastcgi_script_name;");
    expect(text).toContain("fastcgi_param PATH_INFO $fastcgi_path_info;");
    expect(text).toContain("include /etc/nginx/fastcgi_params;");
  });

  it("adds HTTPS on 443 with the lab CA's certificate when tls is on", () => {
    expect(serverLines(nginxConfig(config({ ports: [80, 8080], tls: true })))).toEqual([
      "listen 80;",
      "listen 8080;",
      "listen 443 ssl;",
      "ssl_certificate /etc/socketlab/tls/server.crt;",
      "ssl_certificate_key /etc/socketlab/tls/server.key;",
      "root /srv/www;",
      "location /cgi-bin/ {",
      "fastcgi_pass unix:/run/fcgiwrap.socket;",
    ]);
  });

  it("listens only where told: HTTPS alone on its own ports", () => {
    const lines = serverLines(
      nginxConfig(config({ ports: [], tls: true, tlsPorts: [8443, 9443] })),
    );
    expect(lines.filter((line) => line.startsWith("listen"))).toEqual([
      "listen 8443 ssl;",
      "listen 9443 ssl;",
    ]);
  });

  it("passes the WSGI mount to gunicorn, under its prefix or for the whole site", () => {
    const under = serverLines(nginxConfig(config({ wsgi: { app: "a:b", mount: "/shop/" } })));
    expect(under.slice(-2)).toEqual([
      "location /shop/ {",
      "proxy_pass http://unix:/run/gunicorn.socket;",
    ]);
    const whole = serverLines(nginxConfig(config({ wsgi: { app: "a:b", mount: "/" } })));
    expect(whole.slice(-2)).toEqual([
      "location / {",
      "proxy_pass http://unix:/run/gunicorn.socket;",
    ]);
    expect(nginxConfig(config({ wsgi: { app: "a:b" } }))).toContain("location /app/ {");
  });

  it("is one balanced block", () => {
    const text = nginxConfig(config({ tls: true, wsgi: { app: "a:b" } }));
    expect(text.split("{").length).toBe(text.split("}").length);
  });
});

describe("a web node", () => {
  it("gets its nginx.conf, static files and CGI scripts (python3 unless they say)", async () => {
    const node = await webNode([
      "static: { /index.html: hello, /css/site.css: 'body {}' }",
      "cgi: { hi.py: 'print(1)', run.sh: \"#!/bin/sh\\necho hi\\n\" }",
    ]);
    expect(node.files.map((f) => [f.path, f.mode.toString(8)])).toEqual([
      ["/usr/local/sbin/socketlab-trust-ca", "755"],
      ["/etc/nginx/nginx.conf", "644"],
      ["/srv/www/index.html", "644"],
      ["/srv/www/css/site.css", "644"],
      ["/srv/cgi-bin/hi.py", "755"],
      ["/srv/cgi-bin/run.sh", "755"],
    ]);
    expect(fileText(node, "/srv/www/css/site.css")).toBe("body {}");
    expect(fileText(node, "/srv/cgi-bin/hi.py")).toBe("#!/usr/bin/python3\nprint(1)");
    expect(fileText(node, "/srv/cgi-bin/run.sh")).toBe("#!/bin/sh\necho hi\n");
  });

  it("keeps a file the topology gives at a path the role writes", async () => {
    const own = "    files:\n      - { path: /srv/www/index.html, content: mine }\n";
    const node = await webNode(["static: { /index.html: role }"], own);
    expect(fileText(node, "/srv/www/index.html")).toBe("mine");
  });

  it("starts fcgiwrap as www-data, then nginx; is ready when nginx answers", async () => {
    const node = await webNode(["ports: [8080]"]);
    expect(node.start).toEqual([
      "/usr/local/sbin/socketlab-trust-ca 10.200.0.5",
      "spawn-fcgi -s /run/fcgiwrap.socket -M 0660 -u www-data -g www-data -U www-data -G www-data -- /usr/sbin/fcgiwrap -c 2 >/dev/null",
      "nginx",
    ]);
    expect(node.ready).toEqual({
      command: "curl -s -o /dev/null http://127.0.0.1:8080/",
      timeoutSeconds: 30,
    });
  });

  it("gets a certificate for its name, its names and its address before nginx starts", async () => {
    const node = await webNode(["tls: true", "names: [www.example.com, shop.example.com]"]);
    expect(node.start[1]).toBe(
      "/usr/local/sbin/socketlab-request-cert '10.200.0.5' 'web' 'www.example.com' 'shop.example.com' '10.200.0.80'",
    );
    expect(node.start.at(-1)).toBe("nginx");
    expect(node.after).toEqual([]);
    expect(node.files.map((f) => f.path)).toContain("/usr/local/sbin/socketlab-request-cert");
  });

  it("asks for no certificate without tls, and checks HTTPS when it has no HTTP port", async () => {
    const plain = await webNode([]);
    expect(plain.start.some((c) => c.includes("socketlab-request-cert"))).toBe(false);
    const httpsOnly = await webNode(["ports: []", "tls: true", "tlsPorts: [8443]"]);
    expect(httpsOnly.ready?.command).toBe("curl -sk -o /dev/null https://127.0.0.1:8443/");
  });

  it("runs the WSGI app with gunicorn as www-data, its mount as SCRIPT_NAME", async () => {
    const node = await webNode(["wsgi: { app: 'shop.app:app', mount: /shop/ }"], WSGI_FILE);
    expect(node.start.slice(-2)).toEqual([
      "python3 -m gunicorn --daemon --user www-data --group www-data --workers 2 --chdir /srv/wsgi --bind unix:/run/gunicorn.socket --env SCRIPT_NAME='/shop' --error-logfile /var/log/gunicorn.log 'shop.app:app'",
      "nginx",
    ]);
    expect(node.ready?.command).toBe(
      "curl -s -o /dev/null http://127.0.0.1:80/ && curl -s -o /dev/null --unix-socket /run/gunicorn.socket http://localhost/",
    );
    const whole = await webNode(["wsgi: { app: 'shop.app:app', mount: / }"], WSGI_FILE);
    expect(whole.start.at(-2)).not.toContain("SCRIPT_NAME");
  });
});
