// Engine specs: the four kinds of host as dockerode options, capacities, and errors that name
// the field.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  dockerOptions,
  EngineSpecError,
  parseEnginesFile,
  toEngineSpec,
} from "../../src/engines/spec.ts";

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
      { protocol: "ssh", host: "lab3.example", port: 2222, username: "docker" },
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
});
