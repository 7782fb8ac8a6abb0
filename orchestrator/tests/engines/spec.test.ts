// Engine specs: the four kinds of host as dockerode options, capacities, and errors that name
// the field.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";
import { afterEach, describe, expect, it } from "vitest";
import {
  dockerOptions,
  EngineSpecError,
  parseEnginesFile,
  toEngineSpec,
} from "../../src/engines/spec.ts";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKl3a8Y4mXo1b0qVq9vN3r7lM0wS5n9Qh2dJ9m4v2c8L";

describe("engine specs", () => {
  it("reads the local socket, a unix socket, ssh and tcp with TLS", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sl-tls-"));
    for (const f of ["ca.pem", "cert.pem", "key.pem"]) await writeFile(join(dir, f), f);
    const specs = parseEnginesFile(
      `engines:
  - name: here
  - name: side
    host: unix:///run/side.sock
    capacity: { labs: 40, memory: 16g }
  - name: far
    host: tcp://10.0.0.5:2376
    tls: { ca: ${dir}/ca.pem, cert: ${dir}/cert.pem, key: ${dir}/key.pem }
  - name: lab3
    host: ssh://docker@lab3.example:2222
    hostKey: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKl3a8Y4mXo1b0qVq9vN3r7lM0wS5n9Qh2dJ9m4v2c8L
`,
      "engines.yaml",
    );
    expect(specs.map((s) => dockerOptions(s))).toEqual([
      {},
      { socketPath: "/run/side.sock" },
      {
        protocol: "https",
        host: "10.0.0.5",
        port: 2376,
        ca: Buffer.from("ca.pem"),
        cert: Buffer.from("cert.pem"),
        key: Buffer.from("key.pem"),
      },
      {
        protocol: "ssh",
        host: "lab3.example",
        port: 2222,
        username: "docker",
        sshOptions: { agent: process.env.SSH_AUTH_SOCK, hostVerifier: expect.any(Function) },
      },
    ]);
    expect(specs[0]?.capacity).toEqual({ labs: null, memoryBytes: null });
    expect(specs[1]?.capacity).toEqual({ labs: 40, memoryBytes: 16 * 1024 ** 3 });
  });

  it("names the field of a bad spec", () => {
    expect(() =>
      parseEnginesFile("engines:\n  - name: ok\n  - name: x\n    host: http://x\n", "e.yaml"),
    ).toThrow(/e\.yaml: engines\.1\.host: local, unix/);
    expect(() => toEngineSpec({ name: "Bad Name" })).toThrow(/name: lowercase/);
    expect(() => toEngineSpec({ name: "a", capacity: { memory: "lots" } })).toThrow(
      /capacity\.memory/,
    );
    expect(() =>
      toEngineSpec({ name: "a", host: "unix:///s", tls: { ca: "c", cert: "c", key: "k" } }),
    ).toThrow(/tls: tls applies to tcp/);
    expect(() => parseEnginesFile("engines: []\n", "e.yaml")).toThrow(EngineSpecError);
    expect(() => parseEnginesFile("engines:\n  - name: a\n  - name: a\n", "e.yaml")).toThrow(
      /the name a is used twice/,
    );
  });

  it("says which TLS file cannot be read", () => {
    const spec = toEngineSpec({
      name: "far",
      host: "tcp://h:2376",
      tls: { ca: "/nonexistent/ca.pem", cert: "/x", key: "/y" },
    });
    expect(() => dockerOptions(spec)).toThrow(
      /engine far: tls\.ca: cannot read \/nonexistent\/ca\.pem/,
    );
  });

  it("requires a pinned host key of an ssh:// engine, and only of one", () => {
    expect(() => toEngineSpec({ name: "far", host: "ssh://docker@far.example" })).toThrow(
      /^hostKey: an ssh:\/\/ engine needs hostKey/,
    );
    expect(() =>
      toEngineSpec({ name: "far", host: "ssh://docker@far.example", hostKey: "far.example AAAA" }),
    ).toThrow(/^hostKey: a host key as ssh-keyscan prints it/);
    expect(() => toEngineSpec({ name: "near", host: "unix:///s", hostKey: KEY })).toThrow(
      /^hostKey: hostKey applies to ssh:\/\/ engines only/,
    );
  });

  it("refuses a tcp:// engine on another host without tls, unless insecure: true", () => {
    expect(() => toEngineSpec({ name: "far", host: "tcp://10.0.0.5:2375" })).toThrow(
      /^tls: a tcp:\/\/ engine on another host needs tls.*insecure: true/,
    );
    expect(toEngineSpec({ name: "far", host: "tcp://10.0.0.5:2375", insecure: true })).toEqual(
      expect.objectContaining({ host: "tcp://10.0.0.5:2375", insecure: true }),
    );
    for (const host of ["tcp://127.0.0.1:2375", "tcp://localhost:2375", "tcp://[::1]:2375"]) {
      expect(toEngineSpec({ name: "here", host }).insecure).toBeUndefined();
    }
  });
});

describe("an engine's connection", () => {
  const saved = { DOCKER_HOST: process.env.DOCKER_HOST, SSH_AUTH_SOCK: process.env.SSH_AUTH_SOCK };
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
  const modem = (host: string) =>
    (
      new Docker(
        dockerOptions(
          toEngineSpec({ name: "e", host, ...(host.startsWith("ssh:") ? { hostKey: KEY } : {}) }),
        ),
      ) as unknown as {
        modem: Record<string, unknown>;
      }
    ).modem;

  it("is the engine's own whatever DOCKER_HOST says", () => {
    process.env.DOCKER_HOST = "tcp://elsewhere.example:2375";
    expect(modem("unix:///run/side.sock")).toMatchObject({
      socketPath: "/run/side.sock",
      host: undefined,
      port: undefined,
    });
    process.env.DOCKER_HOST = "ssh://someone@elsewhere.example";
    expect(modem("tcp://127.0.0.1:2375")).toMatchObject({
      host: "127.0.0.1",
      port: 2375,
      protocol: "http",
      username: undefined,
    });
    // "local" is DOCKER_HOST's engine, as without a pool.
    expect(modem("local")).toMatchObject({ host: "elsewhere.example", protocol: "ssh" });
  });

  it("authenticates ssh:// engines with the ssh agent", () => {
    delete process.env.DOCKER_HOST;
    process.env.SSH_AUTH_SOCK = "/run/agent.sock";
    expect(modem("ssh://docker@lab3.example")).toMatchObject({
      protocol: "ssh",
      host: "lab3.example",
      username: "docker",
      sshOptions: { agent: "/run/agent.sock" },
    });
  });
});

describe("an engine reached through its agent", () => {
  const SECRET = "k".repeat(64);

  it("is HTTPS checked against the agent's CA, with the secret as a bearer header", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sl-agent-"));
    await writeFile(join(dir, "ca.pem"), "CA");
    await writeFile(join(dir, "secret"), `${SECRET}\n`);
    const spec = toEngineSpec({
      name: "node-1",
      host: "tcp://10.0.0.7:2378",
      agent: { ca: join(dir, "ca.pem"), secretFile: join(dir, "secret") },
    });
    expect(spec.agent).toEqual({ ca: join(dir, "ca.pem"), secretFile: join(dir, "secret") });
    expect(dockerOptions(spec)).toEqual({
      socketPath: undefined,
      username: undefined,
      cert: undefined,
      key: undefined,
      protocol: "https",
      host: "10.0.0.7",
      port: 2378,
      ca: Buffer.from("CA"),
      headers: { Authorization: `Bearer ${SECRET}` },
    });
  });

  it("names the file it cannot read, or a secret too short", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sl-agent-"));
    await writeFile(join(dir, "ca.pem"), "CA");
    await writeFile(join(dir, "short"), "abc\n");
    const agent = (secretFile: string, ca = join(dir, "ca.pem")) =>
      toEngineSpec({ name: "n", host: "tcp://10.0.0.7:2378", agent: { ca, secretFile } });
    expect(() => dockerOptions(agent(join(dir, "none")))).toThrow(
      /^engine n: agent\.secretFile: cannot read .*none/,
    );
    expect(() => dockerOptions(agent(join(dir, "short"), join(dir, "no-ca")))).toThrow(
      /^engine n: agent\.ca: cannot read .*no-ca/,
    );
    expect(() => dockerOptions(agent(join(dir, "short")))).toThrow(
      /^engine n: agent\.secretFile: .*short: the secret has 3 characters, 32 at least/,
    );
  });

  it("applies to tcp:// only, and not beside tls", () => {
    const agent = { ca: "ca.pem", secretFile: "secret" };
    expect(() => toEngineSpec({ name: "a", host: "unix:///s", agent })).toThrow(
      /^agent: agent applies to tcp:\/\/ engines only/,
    );
    expect(() =>
      toEngineSpec({
        name: "a",
        host: "tcp://10.0.0.7:2378",
        agent,
        tls: { ca: "c", cert: "c", key: "k" },
      }),
    ).toThrow(/agent: an engine is reached either through an agent or with tls, not both/);
    expect(() =>
      toEngineSpec({ name: "a", host: "tcp://10.0.0.7:2378", agent: { ca: "ca.pem" } }),
    ).toThrow(/^agent\.secretFile: /);
    expect(() =>
      toEngineSpec({ name: "a", host: "tcp://10.0.0.7:2378", agent: { ...agent, port: 1 } }),
    ).toThrow(/^agent: .*port/);
  });
});
