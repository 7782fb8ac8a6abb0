// The ftp, ssh and memcached roles, used from a client node of the lab with real clients:
// Python's ftplib, OpenSSH's ssh, and a socket speaking memcached's text protocol.
import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downLab, upLab } from "../../../orchestrator/src/labs/lifecycle.ts";
import type { LabPlan } from "../../../orchestrator/src/plan/types.ts";
import type { FtpConfig } from "../../../orchestrator/src/roles/ftp.ts";
import { PASSIVE_PORTS } from "../../../orchestrator/src/roles/ftp.ts";
import { shellQuote } from "../../../orchestrator/src/roles/shell-quote.ts";
import type { SshConfig } from "../../../orchestrator/src/roles/ssh.ts";
import type { Engine } from "../../../orchestrator/src/runtime/engine.ts";
import type { NodeDef, Topology } from "../../../orchestrator/src/topology/model.ts";
import { fixture, sh, testEngine, uniqueLabId } from "../engine.ts";

let engine: Engine;
let plan: LabPlan;
let alicePassword: string;
let bobPassword: string;
const lab = uniqueLabId("it-services");
const key = ecdsaKeyPair("carol@test");

beforeAll(async () => {
  engine = await testEngine();
  const topology = withCarol(await fixture("services-ftp-ssh-memcached.yaml"));
  alicePassword = (configOf(topology, "ftp") as FtpConfig).users[0]?.password as string;
  bobPassword = (configOf(topology, "ssh") as SshConfig).users[0]?.password as string;
  plan = (await upLab(engine, topology, { lab, owner: "dave" })).plan;
});

afterAll(async () => {
  await downLab(engine, lab);
});

/** Runs a Python program on the client and returns what it printed as JSON. */
async function python(program: string): Promise<Record<string, unknown>> {
  const result = await sh(engine, lab, "client", `python3 - <<'PY'\n${program}\nPY`);
  if (result.exitCode !== 0) throw new Error(`python failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

function addressOf(node: string, network: string): string | undefined {
  const endpoints = plan.nodes.find((n) => n.name === node)?.endpoints ?? [];
  return endpoints.find((e) => e.network === network)?.address;
}

describe("the ftp node", () => {
  it("lets a local user list, upload and download in passive mode", async () => {
    const out = await python(`
import ftplib, io, json
ftp = ftplib.FTP()
ftp.connect("ftp", 21, timeout=10)
ftp.login("alice", ${JSON.stringify(alicePassword)})
# ftplib connects to the control connection's peer whatever PASV says: ask for it directly.
pasv = ftp.sendcmd("PASV")
ftp.storbinary("STOR upload.txt", io.BytesIO(b"uploaded by alice\\n"))
names = sorted(ftp.nlst())
got = {}
for name in names:
    data = io.BytesIO()
    ftp.retrbinary("RETR " + name, data.write)
    got[name] = data.getvalue().decode()
ftp.quit()
print(json.dumps({"pasv": pasv, "names": names, "got": got}))
`);
    expect(out.names).toEqual(["notes.txt", "upload.txt"]);
    expect(out.got).toEqual({
      "notes.txt": "alice's notes\n",
      "upload.txt": "uploaded by alice\n",
    });
    // The address the server announces is its own on the client's network (not its first one).
    const match = /\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)/.exec(out.pasv as string);
    expect(match?.slice(1, 5).join(".")).toBe(addressOf("ftp", "back"));
    const port = Number(match?.[5]) * 256 + Number(match?.[6]);
    expect(port).toBeGreaterThanOrEqual(PASSIVE_PORTS.min);
    expect(port).toBeLessThanOrEqual(PASSIVE_PORTS.max);
    // Both are alice's: her upload, and the file the topology put in her home before she existed.
    const stat = await sh(
      engine,
      lab,
      "ftp",
      "cd /home/alice && stat -c '%U %n' upload.txt notes.txt",
    );
    expect(stat.stdout).toBe("alice upload.txt\nalice notes.txt\n");
  });

  it("refuses a wrong password", async () => {
    const out = await python(`
import ftplib, json
ftp = ftplib.FTP()
ftp.connect("ftp", 21, timeout=10)
try:
    ftp.login("alice", "not her password")
    print(json.dumps({"refused": None}))
except ftplib.error_perm as e:
    print(json.dumps({"refused": str(e)}))
`);
    expect(out.refused).toMatch(/^530 /);
  });

  it("speaks explicit FTPS with a certificate the client verifies against the lab CA", async () => {
    const out = await python(`
import ftplib, io, json, ssl
# The default context: the system's trust store, where the client installed the lab CA.
ftp = ftplib.FTP_TLS(context=ssl.create_default_context())
ftp.connect("ftp", 21, timeout=10)
ftp.auth()
ftp.login("alice", ${JSON.stringify(alicePassword)})
ftp.prot_p()
data = io.BytesIO()
ftp.retrbinary("RETR notes.txt", data.write)
secured = {"control": ftp.sock.version(), "notes": data.getvalue().decode()}
ftp.quit()
# A context trusting no CA at all refuses the server's certificate: it is verified.
bare = ftplib.FTP_TLS(context=ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT))
bare.connect("ftp", 21, timeout=10)
try:
    bare.auth()
    secured["unverified"] = None
except ssl.SSLCertVerificationError as e:
    secured["unverified"] = e.verify_message
print(json.dumps(secured))
`);
    expect(out).toEqual({
      control: expect.stringMatching(/^TLSv1\.[23]$/),
      notes: "alice's notes\n",
      unverified: "unable to get local issuer certificate",
    });
  });

  it("lets anonymous users read, never write", async () => {
    const out = await python(`
import ftplib, io, json
ftp = ftplib.FTP()
ftp.connect("ftp", 21, timeout=10)
ftp.login()
data = io.BytesIO()
ftp.retrbinary("RETR pub/welcome.txt", data.write)
refusals = []
for attempt in (lambda: ftp.storbinary("STOR pub/mine.txt", io.BytesIO(b"x")),
                lambda: ftp.mkd("mine")):
    try:
        attempt()
        refusals.append(None)
    except ftplib.error_perm as e:
        refusals.append(str(e)[:3])
print(json.dumps({"names": ftp.nlst("pub"), "welcome": data.getvalue().decode(), "refusals": refusals}))
`);
    expect(out.names).toEqual(["pub/welcome.txt"]);
    expect(out.welcome).toBe("welcome, anonymous\n");
    expect(out.refusals).toEqual(["550", "550"]);
  });
});

describe("the ssh node", () => {
  const options = "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR";
  /** ssh from the client with a password, given by an askpass program (no terminal needed). */
  const withPassword = (user: string, password: string, command: string) =>
    sh(
      engine,
      lab,
      "client",
      `printf '%s\\n' ${shellQuote(password)} > /tmp/password
printf '#!/bin/sh\\ncat /tmp/password\\n' > /tmp/askpass && chmod +x /tmp/askpass
SSH_ASKPASS=/tmp/askpass SSH_ASKPASS_REQUIRE=force ssh ${options} \\
  -o PubkeyAuthentication=no -o NumberOfPasswordPrompts=1 ${user}@ssh ${shellQuote(command)} </dev/null`,
    );

  it("runs a command for a user logging in with their key", async () => {
    const result = await sh(
      engine,
      lab,
      "client",
      `ssh ${options} -o BatchMode=yes -i /root/carol.key carol@ssh 'echo "$(whoami) on $(hostname)"'`,
    );
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("carol on ssh\n");
  });

  it("runs a command for a user logging in with their password", async () => {
    const result = await withPassword("bob", bobPassword, 'echo "$(whoami) in $HOME"');
    expect(result.stdout).toBe("bob in /home/bob\n");
    expect(result.exitCode).toBe(0);
  });

  it("refuses a wrong password, and a key-only user's login without the key", async () => {
    const wrong = await withPassword("bob", "not his password", "true");
    expect(wrong.exitCode).toBe(255);
    expect(wrong.stderr).toContain("Permission denied");
    const keyless = await sh(
      engine,
      lab,
      "client",
      `ssh ${options} -o BatchMode=yes carol@ssh true`,
    );
    expect(keyless.exitCode).toBe(255);
    expect(keyless.stderr).toContain("Permission denied");
  });
});

describe("the memcached node", () => {
  it("stores and returns a value over the lab network, with the size and port configured", async () => {
    const out = await python(`
import json, socket
connection = socket.create_connection(("cache", 11311), timeout=10)
replies = connection.makefile("rb")
def ask(request, last):
    connection.sendall(request)
    lines = []
    while not lines or lines[-1] not in last:
        lines.append(replies.readline().decode())
    return lines
stored = ask(b"set greeting 0 0 5\\r\\nhello\\r\\n", ("STORED\\r\\n", "NOT_STORED\\r\\n"))
hit = ask(b"get greeting\\r\\n", ("END\\r\\n",))
miss = ask(b"get nothing\\r\\n", ("END\\r\\n",))
settings = dict(line.split()[1:3] for line in ask(b"stats settings\\r\\n", ("END\\r\\n",))[:-1])
print(json.dumps({"stored": stored, "hit": hit, "miss": miss,
                  "maxbytes": settings["maxbytes"], "port": settings["tcpport"]}))
`);
    expect(out).toEqual({
      stored: ["STORED\r\n"],
      hit: ["VALUE greeting 0 5\r\n", "hello\r\n", "END\r\n"],
      miss: ["END\r\n"],
      maxbytes: String(16 * 1024 * 1024),
      port: "11311",
    });
  });
});

function configOf(topology: Topology, node: string): unknown {
  return topology.nodes.find((n) => n.name === node)?.config;
}

/** The fixture with carol, who logs in to the ssh node with a key the client holds (at a path
 * ssh does not try by itself, so that a login without it can be tried too). */
function withCarol(topology: Topology): Topology {
  const nodes = topology.nodes.map((node): NodeDef => {
    if (node.name === "ssh") {
      const config = node.config as SshConfig;
      const carol = { name: "carol", authorizedKeys: [key.publicLine] };
      return { ...node, config: { ...config, users: [...config.users, carol] } };
    }
    if (node.name === "client") {
      const file = {
        path: "/root/carol.key",
        contentBase64: Buffer.from(key.privatePem).toString("base64"),
        mode: 0o600,
      };
      return { ...node, files: [...node.files, file] };
    }
    return node;
  });
  return { ...topology, nodes };
}

/** A new ECDSA P-256 key pair: the private key as PEM, the public one as an authorized_keys line. */
function ecdsaKeyPair(comment: string): { privatePem: string; publicLine: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const { x, y } = publicKey.export({ format: "jwk" });
  // RFC 5656: the key type, the curve, and the point uncompressed, each as an SSH string.
  const point = Buffer.concat([
    Buffer.from([4]),
    Buffer.from(x as string, "base64url"),
    Buffer.from(y as string, "base64url"),
  ]);
  const blob = Buffer.concat(
    [Buffer.from("ecdsa-sha2-nistp256"), Buffer.from("nistp256"), point].map(sshString),
  );
  return {
    privatePem: privateKey.export({ type: "sec1", format: "pem" }) as string,
    publicLine: `ecdsa-sha2-nistp256 ${blob.toString("base64")} ${comment}`,
  };
}

function sshString(data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  return Buffer.concat([length, data]);
}
