// `checks:`: per task, a command on a node; loaded in order, each problem at its place.
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../src/topology/load.ts";
import { load, problems, yaml } from "./helpers.ts";

describe("checks", () => {
  it("loads each check in order, with the default timeout where none is given", async () => {
    const result = await load(yaml`
      name: lab
      networks:
        lan: { subnet: 10.0.0.0/24 }
      nodes:
        client: { networks: { lan: .2 } }
        server: { networks: { lan: .3 } }
      checks:
        - id: echo-server
          task: "A TCP echo server listens on server port 7000"
          node: client
          command: "printf hi | nc -w 2 server 7000 | grep -q hi"
          timeout: 20
        - { id: udp, task: "UDP echo", node: server, command: "ss -lun | grep -q :7001" }
    `);
    if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join("\n"));
    expect(result.topology.checks).toEqual([
      {
        id: "echo-server",
        task: "A TCP echo server listens on server port 7000",
        vantage: "node",
        node: "client",
        command: "printf hi | nc -w 2 server 7000 | grep -q hi",
        timeoutSeconds: 20,
      },
      {
        id: "udp",
        task: "UDP echo",
        vantage: "node",
        node: "server",
        command: "ss -lun | grep -q :7001",
        timeoutSeconds: 10,
      },
    ]);
  });

  it("has none when the topology declares none", async () => {
    const result = await load(yaml`
      name: lab
      networks:
        lan: { subnet: 10.0.0.0/24 }
      nodes:
        a: { networks: { lan: .2 } }
    `);
    expect(result.ok && result.topology.checks).toEqual([]);
  });

  it("refuses unknown nodes and a second check with the same id, where they are written", async () => {
    expect(
      await problems(yaml`
        name: lab
        networks:
          lan: { subnet: 10.0.0.0/24 }
        nodes:
          a: { networks: { lan: .2 } }
        checks:
          - { id: one, task: t, node: a, command: "true" }
          - { id: two, task: t, node: ghost, command: "true" }
          - { id: one, task: t, node: a, command: "true" }
      `),
    ).toEqual([
      "lab.yaml:8:31: checks[1].node: unknown node 'ghost'",
      "lab.yaml:9:11: checks[2].id: check id 'one' is already used by checks[0]",
    ]);
  });

  it("refuses ids that are not DNS-label-like, unknown fields, and missing or bad values", async () => {
    expect(
      await problems(yaml`
        name: lab
        networks:
          lan: { subnet: 10.0.0.0/24 }
        nodes:
          a: { networks: { lan: .2 } }
        checks:
          - { id: Echo_Server, task: t, node: a, command: "true" }
          - { id: ok, task: t, node: a, command: "true", retries: 3 }
          - { id: empty, task: t, node: a, command: "" }
          - { id: slow, task: t, node: a, command: "true", timeout: 3600 }
          - { id: bare, task: t, node: a }
      `),
    ).toEqual([
      "lab.yaml:7:11: checks[0].id: check id must start with a lowercase letter and hold only a-z, 0-9 and '-' (30 at most)",
      "lab.yaml:8:50: checks[1].retries: unknown field 'retries'",
      "lab.yaml:9:45: checks[2].command: must not be empty",
      "lab.yaml:10:61: checks[3].timeout: must be at most 300",
      "lab.yaml:11:5: checks[4].command: required",
    ]);
  });

  it("runs a check from the probe on the networks it names, with no node", async () => {
    const result = await load(yaml`
      name: lab
      networks:
        lan: { subnet: 10.0.0.0/24 }
        dmz: { subnet: 10.0.1.0/24 }
      nodes:
        a: { networks: { lan: .2, dmz: .2 } }
      checks:
        - { id: web, task: t, vantage: probe, networks: [dmz, lan], command: "curl -fs http://a/" }
        - { id: file, task: t, vantage: node, node: a, command: "test -s /root/x" }
    `);
    if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join("\n"));
    expect(result.topology.checks).toEqual([
      {
        id: "web",
        task: "t",
        vantage: "probe",
        networks: ["dmz", "lan"],
        command: "curl -fs http://a/",
        timeoutSeconds: 10,
      },
      {
        id: "file",
        task: "t",
        vantage: "node",
        node: "a",
        command: "test -s /root/x",
        timeoutSeconds: 10,
      },
    ]);
  });

  it("refuses the fields that do not fit a check's vantage, and unknown or repeated networks", async () => {
    expect(
      await problems(yaml`
        name: lab
        networks:
          lan: { subnet: 10.0.0.0/24 }
        nodes:
          a: { networks: { lan: .2 } }
        checks:
          - { id: one, task: t, vantage: probe, command: "true" }
          - { id: two, task: t, vantage: probe, node: a, networks: [lan], command: "true" }
          - { id: three, task: t, node: a, networks: [lan], command: "true" }
          - { id: four, task: t, vantage: probe, networks: [lan, wan, lan], command: "true" }
          - { id: five, task: t, vantage: outside, networks: [lan], command: "true" }
          - { id: six, task: t, vantage: probe, networks: [], command: "true" }
          - { id: seven, task: t, command: "true" }
      `),
    ).toEqual([
      "lab.yaml:7:5: checks[0].networks: required for `vantage: probe`: the lab networks it probes from",
      "lab.yaml:8:41: checks[1].node: a probe check runs on no node of the lab: name its `networks` instead",
      "lab.yaml:9:36: checks[2].networks: only a check with `vantage: probe` names networks; this one runs on its node",
      "lab.yaml:10:58: checks[3].networks[1]: network 'wan' is not declared under networks",
      "lab.yaml:10:63: checks[3].networks[2]: network 'lan' is listed twice",
      "lab.yaml:11:35: checks[4].vantage: vantage is node (the default) or probe",
      "lab.yaml:12:41: checks[5].networks: must be at least 1",
      "lab.yaml:13:5: checks[6].node: required (or `vantage: probe` with the networks to probe from)",
    ]);
  });
});
