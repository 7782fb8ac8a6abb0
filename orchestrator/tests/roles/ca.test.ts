import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import type { NodePlan } from "../../src/plan/types.ts";
import { CA_PORT, certificateRequest, labCertificate } from "../../src/roles/ca.ts";
import { TLS_CERT_PATH, TLS_KEY_PATH } from "../../src/roles/tls-paths.ts";
import type { Contribution, InstanceView } from "../../src/roles/types.ts";
import type { FileDef } from "../../src/topology/model.ts";
import { node } from "../plan/helpers.ts";
import { planned } from "../support/roles.ts";
import { problems, yaml } from "../topology/helpers.ts";

const TRUST_SCRIPT = "/usr/local/sbin/socketlab-trust-ca";
const REQUEST_SCRIPT = "/usr/local/sbin/socketlab-request-cert";

function plannedNode(nodes: Map<string, NodePlan>, name: string): NodePlan {
  const found = nodes.get(name);
  if (!found) throw new Error(`no node ${name}`);
  return found;
}

const textOf = (file: FileDef | undefined) =>
  file && Buffer.from(file.contentBase64, "base64").toString("utf8");

/** A CA on `lan` and `dmz`, a client on both (dmz first), one only on `lan`, one on neither. */
const LAB = yaml`
  name: lab
  networks:
    lan: { subnet: 10.0.0.0/24 }
    dmz: { subnet: 10.0.1.0/24 }
    far: { subnet: 10.0.2.0/24 }
  nodes:
    ca:
      role: ca
      networks: { lan: .5, dmz: .5 }
    both:
      networks: { dmz: .10, lan: .10 }
    lanonly:
      networks: { lan: .20 }
    alone:
      networks: { far: .30 }
`;

describe("ca config in the topology", () => {
  /** A lab with one ca node whose config (flow mappings) starts on line 8. */
  const withConfig = (lines: string[]) =>
    `${yaml`
      name: lab
      networks:
        lan: { subnet: 10.0.0.0/24 }
      nodes:
        ca:
          role: ca
          networks: { lan: .5 }
          config:
    `.trimEnd()}\n${lines.map((line) => `      ${line}`).join("\n")}\n`;

  it("reports each bad field at its place", async () => {
    expect(
      await problems(
        withConfig(["commonName: Lab/CA", "validDays: 0", "certificateDays: 1.5", "serial: 7"]),
      ),
    ).toEqual([
      "lab.yaml:9:19: nodes.ca.config.commonName: commonName must not hold / \\ + or =",
      "lab.yaml:10:18: nodes.ca.config.validDays: must be at least 1",
      "lab.yaml:11:24: nodes.ca.config.certificateDays: expected a whole number, found 1.5",
      "lab.yaml:12:7: nodes.ca.config.serial: unknown field 'serial'",
    ]);
  });

  it("refuses certificates that would outlive their CA", async () => {
    expect(await problems(withConfig(["validDays: 30", "certificateDays: 31"]))).toEqual([
      "lab.yaml:10:24: nodes.ca.config.certificateDays: certificateDays must not exceed validDays: a certificate cannot outlive its CA",
    ]);
  });

  it("refuses a second CA in a lab, at the second", async () => {
    expect(
      await problems(yaml`
        name: lab
        networks:
          lan: { subnet: 10.0.0.0/24 }
        nodes:
          ca:
            role: ca
            networks: { lan: .5 }
          ca2:
            role: ca
            networks: { lan: .6 }
      `),
    ).toEqual([
      "lab.yaml:8:3: nodes.ca2.config: a lab has one CA, and node 'ca' already is its CA",
    ]);
  });

  it("refuses a CA that waits for another node: that node waits for the CA", async () => {
    expect(
      await problems(yaml`
        name: lab
        networks:
          lan: { subnet: 10.0.0.0/24 }
        nodes:
          ca:
            role: ca
            networks: { lan: .5 }
            after: [db]
          db:
            networks: { lan: .6 }
      `),
    ).toEqual([
      "lab.yaml:5:3: nodes.ca.config: a CA starts before the nodes that trust it, so it cannot wait for db (after)",
    ]);
  });
});

describe("the CA node", () => {
  it("makes its own root at start, serves it and trusts it; ready once its service is launched", async () => {
    const ca = plannedNode(await planned(LAB), "ca");
    expect(ca.start).toEqual([
      "socketlab-ca-init 'alice lab CA' 3650",
      `python3 /usr/local/lib/socketlab/ca-service.py ${CA_PORT} 365 &`,
      `${TRUST_SCRIPT} 127.0.0.1 &`,
    ]);
    // The nodes started after it wait for its service at their own start (fetch_root).
    expect(ca.ready).toBeNull();
    expect(ca.after).toEqual([]);
  });

  it("takes its name and lifetimes from the config", async () => {
    const text = LAB.replace(
      "networks: { lan: .5, dmz: .5 }",
      'networks: { lan: .5, dmz: .5 }\n    config: { commonName: "Course CA (it\'s ours)", validDays: 90, certificateDays: 7 }',
    );
    const ca = plannedNode(await planned(text), "ca");
    expect(ca.start.slice(0, 2)).toEqual([
      `socketlab-ca-init 'Course CA (it'\\''s ours)' 90`,
      `python3 /usr/local/lib/socketlab/ca-service.py ${CA_PORT} 7 &`,
    ]);
  });

  it("puts no key into the plan (nor so into Docker labels): the node makes its own", async () => {
    const nodes = [...(await planned(LAB)).values()];
    const everything = nodes.flatMap((n) => [...n.start, ...n.files.map(textOf)]).join("\n");
    expect(everything).toContain("socketlab-ca-init");
    expect(everything).not.toContain("PRIVATE KEY");
  });
});

describe("trust in the lab CA on every other node", () => {
  it("fetches the root from the CA's address on the first network they share, CA first", async () => {
    const nodes = await planned(LAB);
    const ca = plannedNode(nodes, "ca");
    const address = (network: string) => ca.endpoints.find((e) => e.network === network)?.address;
    expect(address("dmz")).not.toBe(address("lan"));
    for (const [name, network] of [
      ["both", "dmz"],
      ["lanonly", "lan"],
    ] as const) {
      const other = plannedNode(nodes, name);
      expect(other.start).toEqual([`${TRUST_SCRIPT} ${address(network)}`]);
      // It starts with the CA and waits for its service in the trust script.
      expect(other.after).toEqual([]);
      expect(other.files.map((f) => [f.path, f.mode])).toEqual([[TRUST_SCRIPT, 0o755]]);
    }
  });

  it("leaves a node that shares no network with the CA as it was", async () => {
    const alone = plannedNode(await planned(LAB), "alone");
    expect([alone.start, alone.after, alone.files]).toEqual([[], [], []]);
  });

  it("installs the root in the system store and at /etc/socketlab/ca.pem", async () => {
    const script = textOf(plannedNode(await planned(LAB), "lanonly").files[0]) ?? "";
    expect(script).toContain(`"http://$1:${CA_PORT}/root.pem"`);
    expect(script).toContain("mv /etc/socketlab/ca.pem.new /etc/socketlab/ca.pem");
    expect(script).toContain(
      "cp /etc/socketlab/ca.pem /usr/local/share/ca-certificates/socketlab-lab-ca.crt",
    );
    expect(script).toContain("update-ca-certificates");
    expect(shellSyntaxErrors(script)).toBe("");
  });
});

describe("server certificates from the lab CA", () => {
  it("asks the CA for the names given, each once, every word quoted", () => {
    const request = certificateRequest(["mail", "mx.example.com", "mail", "10.0.0.25"], "10.0.0.5");
    expect(request.start).toEqual([
      `${REQUEST_SCRIPT} '10.0.0.5' 'mail' 'mx.example.com' '10.0.0.25'`,
    ]);
    expect(request.files?.map((f) => [f.path, f.mode])).toEqual([[REQUEST_SCRIPT, 0o755]]);
  });

  it("makes the key on the node and keeps it there, checking what the CA signed", () => {
    const script = textOf(certificateRequest(["web"], "10.0.0.5").files?.[0]) ?? "";
    expect(script).toContain(
      `openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-256`,
    );
    expect(script).toContain(`mv ${TLS_KEY_PATH}.new ${TLS_KEY_PATH}`);
    expect(script).toContain(`mv ${TLS_CERT_PATH}.new ${TLS_CERT_PATH}`);
    expect(script).toContain(`"http://$ca:${CA_PORT}/sign?$query"`);
    expect(script).toContain("openssl verify -CAfile");
    expect(shellSyntaxErrors(script)).toBe("");
  });

  const instance = (view: Partial<InstanceView>): InstanceView => ({
    lab: "alice",
    nodes: [],
    addressOf: () => undefined,
    network: () => undefined,
    ...view,
  });
  it("is valid for the node's name, the names given and its addresses, after the CA", () => {
    const caNode = node("ca", { dmz: 5 }, { role: "ca" });
    const mail = node("mail", { lan: 25, dmz: 25 }, { role: "mail" });
    const addresses: Record<string, string> = {
      "ca/dmz": "10.1.1.5",
      "mail/lan": "10.1.0.25",
      "mail/dmz": "10.1.1.25",
    };
    const view = instance({
      nodes: [mail, caNode],
      addressOf: (name, network) => addresses[`${name}/${network}`],
    });
    const contribution = labCertificate(mail, view, ["mx.example.com"]) as Contribution;
    expect(contribution.start).toEqual([
      `${REQUEST_SCRIPT} '10.1.1.5' 'mail' 'mx.example.com' '10.1.0.25' '10.1.1.25'`,
    ]);
    expect(contribution.after).toBeUndefined();
  });

  it("is not to be had from a CA the node shares no network with", () => {
    const caNode = node("ca", { dmz: 5 }, { role: "ca" });
    const mail = node("mail", { lan: 25 }, { role: "mail" });
    expect(labCertificate(mail, instance({ nodes: [mail, caNode] }), [])).toBeUndefined();
  });
});

/** What `sh -n` says of a script: "" when it parses. */
function shellSyntaxErrors(script: string): string {
  return spawnSync("sh", ["-n"], { input: script, encoding: "utf8" }).stderr;
}
