import { describe, expect, it } from "vitest";
import { applyRoles } from "../../src/plan/roles.ts";
import { defineRole, type InstanceView, type Role } from "../../src/roles/types.ts";
import { node } from "./helpers.ts";

const instance: InstanceView = {
  lab: "alice",
  nodes: [],
  addressOf: (name) => ({ ca: "10.200.0.5", web: "10.200.0.80" })[name],
  network: () => undefined,
};

const file = (path: string, text: string) => ({
  path,
  contentBase64: Buffer.from(text).toString("base64"),
  mode: 0o644,
});

// A role that configures its own node from its config, and one that reaches every other node.
const server = defineRole<{ port: number }>({
  name: "server",
  imageFolder: "server",
  summary: "test server",
  configure: (config, self, view) => ({
    files: [file("/etc/server.conf", `port ${config.port} on ${view.addressOf(self.name)}`)],
    start: ["server --daemon"],
    ready: { command: "pidof server", timeoutSeconds: 5 },
    capabilities: ["NET_BIND_SERVICE"],
    sysctls: { "net.core.somaxconn": "1024", "net.ipv4.ip_forward": "0" },
    env: { PORT: String(config.port), MODE: "role" },
  }),
});
const authority = defineRole({
  name: "authority",
  imageFolder: "authority",
  summary: "test CA",
  configureOthers: (_config, self, other, view) => ({
    start: [`trust ${view.addressOf(self.name)} for ${other.name}`],
    after: [self.name],
  }),
});
const roles: Record<string, Role> = { server, authority };
const lookup = (name: string) => roles[name];

describe("applyRoles", () => {
  it("adds a role's contribution to its own node, with the node's own settings winning", () => {
    const web = node(
      "web",
      { lan: 80 },
      {
        role: "server",
        config: { port: 8080 },
        files: [file("/srv/index.html", "hi")],
        start: ["echo own"],
        capabilities: ["NET_ADMIN"],
        sysctls: { "net.ipv4.ip_forward": "1" },
        env: { MODE: "own" },
      },
    );
    const [result] = applyRoles([web], instance, lookup);
    expect(result).toEqual({
      ...web,
      files: [file("/etc/server.conf", "port 8080 on 10.200.0.80"), file("/srv/index.html", "hi")],
      start: ["server --daemon", "echo own"],
      ready: { command: "pidof server", timeoutSeconds: 5 },
      capabilities: ["NET_ADMIN", "NET_BIND_SERVICE"],
      sysctls: { "net.core.somaxconn": "1024", "net.ipv4.ip_forward": "1" },
      env: { PORT: "8080", MODE: "own" },
    });
  });

  it("keeps the node's own ready check and its own file at a path the role also writes", () => {
    const web = node(
      "web",
      { lan: 80 },
      {
        role: "server",
        config: { port: 1 },
        files: [file("/etc/server.conf", "mine")],
        ready: { command: "true", timeoutSeconds: 1 },
      },
    );
    const [result] = applyRoles([web], instance, lookup);
    expect(result?.files).toEqual([file("/etc/server.conf", "mine")]);
    expect(result?.ready).toEqual({ command: "true", timeoutSeconds: 1 });
  });

  it("lets a role reach every other node, never its own", () => {
    const nodes = [
      node("ca", { lan: 5 }, { role: "authority" }),
      node("web", { lan: 80 }, { after: ["db"] }),
      node("db", { lan: 20 }),
    ];
    const [ca, web, db] = applyRoles(nodes, instance, lookup);
    expect(ca).toEqual(nodes[0]);
    expect(web?.start).toEqual(["trust 10.200.0.5 for web"]);
    expect(web?.after).toEqual(["db", "ca"]);
    expect(db?.after).toEqual(["ca"]);
  });

  it("leaves nodes whose roles contribute nothing exactly as they were", () => {
    const nodes = [node("a", { lan: 2 }), node("b", { lan: 3 })];
    expect(applyRoles(nodes, instance, lookup)).toEqual(nodes);
  });
});
