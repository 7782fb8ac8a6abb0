// The ca and web roles on the real engine: each lab instance has its own CA, every node trusts
// it, and the web node serves HTTPS with a certificate from it, CGI and WSGI, all checked from a
// client node with curl and openssl. A second instance shows that one lab's CA is not another's.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downLab, resetNodes, upLab } from "../../../orchestrator/src/labs/lifecycle.ts";
import type { LabPlan } from "../../../orchestrator/src/plan/types.ts";
import type { Engine } from "../../../orchestrator/src/runtime/engine.ts";
import { fixture, labObjects, sh, testEngine, uniqueLabId } from "../engine.ts";

let engine: Engine;
let plan: LabPlan;
const lab = uniqueLabId("it-webca");
const other = uniqueLabId("it-webca2");

// curl also looks in its default CA directory; an empty one makes --cacert the only trust.
const ONLY = "mkdir -p /tmp/no-ca-dir && curl -sS --capath /tmp/no-ca-dir --cacert";
const SERVED_CERT = "echo | openssl s_client -connect web:443 -servername web 2>/dev/null";

beforeAll(async () => {
  engine = await testEngine();
  const topology = await fixture("web-ca.yaml");
  plan = (await upLab(engine, topology, { lab, owner: "erin" })).plan;
  await upLab(engine, topology, { lab: other, owner: "frank" });
});

afterAll(async () => {
  await Promise.all([downLab(engine, lab), downLab(engine, other)]);
});

/** Runs a shell command on a node of the first lab; fails the test when it fails. */
async function run(node: string, script: string, on = lab): Promise<string> {
  const result = await sh(engine, on, node, script);
  if (result.exitCode !== 0) {
    throw new Error(`'${script}' on ${node} exited ${result.exitCode}: ${result.stderr}`);
  }
  return result.stdout;
}

function webAddress(): string {
  const web = plan.nodes.find((n) => n.name === "web");
  return web?.endpoints[0]?.address as string;
}

describe("HTTPS from the web node", () => {
  it("verifies against the lab CA in the client's trust store", async () => {
    expect(await run("client", "curl -fsS https://web/")).toBe("static page\n");
    expect(await run("client", "curl -fsS http://web/")).toBe("static page\n");
  });

  it("verifies against /etc/socketlab/ca.pem alone", async () => {
    expect(await run("client", `${ONLY} /etc/socketlab/ca.pem https://web/`)).toBe("static page\n");
  });

  it("verifies for its extra name and its address too", async () => {
    const address = webAddress();
    expect(
      await run("client", `curl -fsS --resolve www.lab.test:443:${address} https://www.lab.test/`),
    ).toBe("static page\n");
    expect(await run("client", `curl -fsS https://${address}/`)).toBe("static page\n");
  });

  it("has a certificate for the node's name, its names and its address, from this lab's CA", async () => {
    const text = await run(
      "client",
      `${SERVED_CERT} | openssl x509 -noout -issuer -ext subjectAltName`,
    );
    expect(text).toContain(`issuer=CN = ${lab} lab CA`);
    expect(text).toContain(`DNS:web, DNS:www.lab.test, IP Address:${webAddress()}`);
  });

  it("does not verify against another lab instance's CA", async () => {
    const otherRoot = await run("client", "cat /etc/socketlab/ca.pem", other);
    const ownRoot = await run("client", "cat /etc/socketlab/ca.pem");
    const publicKey = (pem: string, on: string) =>
      run("client", `printf '%s' '${pem}' | openssl x509 -noout -pubkey`, on);
    expect(await publicKey(otherRoot, other)).not.toBe(await publicKey(ownRoot, lab));

    await run("client", `printf '%s' '${otherRoot}' > /tmp/other-ca.pem`);
    const refused = await sh(engine, lab, "client", `${ONLY} /tmp/other-ca.pem https://web/`);
    expect(refused.exitCode).toBe(60); // curl: the peer's certificate cannot be verified
    expect(refused.stderr).toContain("unable to get local issuer certificate");
    // The other instance's web verifies against its own CA.
    expect(await run("client", `${ONLY} /etc/socketlab/ca.pem https://web/`, other)).toBe(
      "static page\n",
    );
  });
});

describe("every TLS client the images ship trusts the lab CA", () => {
  // A server whose certificate the lab CA did not sign (self-signed, valid for the names used):
  // each client must refuse it, which shows that each one verifies at all.
  const SELF_SIGNED = "https://client:8443/";
  beforeAll(async () => {
    await run(
      "client",
      [
        "cd /tmp",
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=client -addext subjectAltName=DNS:client,DNS:localhost -keyout self.key -out self.crt 2>/dev/null",
        "nohup openssl s_server -quiet -accept 8443 -cert self.crt -key self.key -www >/dev/null 2>&1 &",
        "for i in $(seq 50); do nc -z 127.0.0.1 8443 && exit 0; sleep 0.1; done; exit 1",
      ].join("\n"),
    );
  });

  /** Runs `command` with `url` on a node: its output when it succeeds, the failure otherwise. */
  async function fetchWith(node: string, command: string, url: string) {
    return sh(engine, lab, node, command.replaceAll("URL", url));
  }

  const clients: [string, string][] = [
    ["curl", "curl -fsS URL"],
    ["wget", "wget -nv -O- URL"],
    [
      "Python's ssl",
      `python3 -c "import sys, urllib.request; sys.stdout.write(urllib.request.urlopen('URL').read().decode())"`,
    ],
  ];
  for (const [name, command] of clients) {
    it(`${name} verifies the web node's certificate and refuses a self-signed one`, async () => {
      const trusted = await fetchWith("client", command, "https://web/");
      expect(trusted.stdout).toBe("static page\n");
      const refused = await fetchWith("client", command, SELF_SIGNED);
      expect(refused.exitCode).not.toBe(0);
      expect(`${refused.stdout}${refused.stderr}`.toLowerCase()).toMatch(/certificate|verif/);
    });
  }

  it("openssl s_client verifies the chain and the name", async () => {
    const check = (host: string, port: number) =>
      sh(
        engine,
        lab,
        "client",
        `openssl s_client -connect ${host}:${port} -servername ${host} -verify_hostname ${host} -verify_return_error </dev/null 2>&1`,
      );
    const trusted = await check("web", 443);
    expect(trusted.exitCode).toBe(0);
    expect(trusted.stdout).toContain("Verify return code: 0 (ok)");
    const refused = await check("client", 8443);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stdout).toContain("self-signed certificate");
  });

  it("git clones over HTTPS from the web node and refuses a self-signed server", async () => {
    // A repository served as static files (git's "dumb" HTTP), made on the client, put on web.
    const repo = await run(
      "client",
      [
        "set -e; rm -rf /tmp/src /tmp/r.git; git init -q /tmp/src; cd /tmp/src",
        "git -c user.name=a -c user.email=a@lab.test commit -q --allow-empty -m 'served over TLS'",
        "git clone -q --bare /tmp/src /tmp/r.git; cd /tmp/r.git; git update-server-info",
        "tar -C /tmp -cz r.git | base64 -w0",
      ].join("\n"),
    );
    const unpacked = await sh(engine, lab, "web", `echo ${repo} | base64 -d | tar -C /srv/www -xz`);
    expect(unpacked.exitCode).toBe(0);
    expect(
      await run(
        "client",
        "rm -rf /tmp/clone && git clone -q https://web/r.git /tmp/clone && git -C /tmp/clone log --format=%s",
      ),
    ).toBe("served over TLS\n");
    const refused = await sh(engine, lab, "client", `git ls-remote ${SELF_SIGNED}r.git`);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain("certificate");
  });

  it("the victim's Chromium loads the web node's page and not a self-signed server's", async () => {
    const browse = (url: string) =>
      sh(
        engine,
        lab,
        "victim",
        `chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --user-data-dir=/tmp/trust-test --dump-dom ${url} 2>/dev/null`,
        60_000,
      );
    expect((await browse("https://web/")).stdout).toContain("static page");
    const refused = await browse(SELF_SIGNED);
    expect(refused.stdout).not.toContain("Ciphers");
  });
});

describe("the web node's programs", () => {
  it("runs a CGI script, as www-data, with the request's query", async () => {
    expect(await run("client", "curl -fsS 'https://web/cgi-bin/whoami.py?term=autumn'")).toBe(
      "cgi www-data term=autumn 42\n",
    );
  });

  it("runs the WSGI app under its mount", async () => {
    expect(await run("client", "curl -fsS https://web/app/hello")).toBe("wsgi /app /hello 45\n");
  });
});

describe("the CA node", () => {
  it("keeps its key to itself: the root key matches the root, and no plan or label holds a key", async () => {
    const fromKey = await run("ca", "openssl pkey -in /ca/root.key -pubout");
    const fromCert = await run("ca", "openssl x509 -in /ca/root.pem -noout -pubkey");
    expect(fromKey).toBe(fromCert);
    expect(fromKey).toContain("BEGIN PUBLIC KEY");

    const { containers, volumes } = await labObjects(engine, lab);
    const labels = JSON.stringify([...containers, ...volumes].map((o) => o.Labels));
    const files = plan.nodes.flatMap((n) =>
      n.files.map((f) => Buffer.from(f.contentBase64, "base64").toString("utf8")),
    );
    expect(labels).toContain("socketlab-ca-init");
    expect(`${labels}\n${files.join("\n")}`).not.toContain("PRIVATE KEY");
  });

  it("signs a client's request for valid names, and refuses anything else", async () => {
    await run(
      "client",
      "cd /tmp && openssl req -new -newkey rsa:2048 -nodes -keyout c.key -subj /CN=client -out c.csr 2>/dev/null",
    );
    const sign = (query: string) =>
      sh(
        engine,
        lab,
        "client",
        `curl -sS -w '\\n%{http_code}' --data-binary @/tmp/c.csr 'http://ca:8600/sign?${query}'`,
      );
    const signed = await sign("name=client&name=10.9.8.7");
    expect(signed.stdout.trim().endsWith("200")).toBe(true);
    await run("client", `printf '%s' '${signed.stdout.replace(/\n200\s*$/, "\n")}' > /tmp/c.crt`);
    expect(await run("client", "openssl verify -CAfile /etc/socketlab/ca.pem /tmp/c.crt")).toBe(
      "/tmp/c.crt: OK\n",
    );
    expect(await run("client", "openssl x509 -in /tmp/c.crt -noout -ext subjectAltName")).toContain(
      "DNS:client, IP Address:10.9.8.7",
    );

    const badName = await sign("name=web&name=evil%20name");
    expect(badName.stdout).toBe("'evil name' is neither a DNS name nor an IP address\n\n400");
    const noName = await sign("");
    expect(noName.stdout).toContain("400");
    const notRequest = await sh(
      engine,
      lab,
      "client",
      "echo hello | curl -sS -w '%{http_code}' --data-binary @- 'http://ca:8600/sign?name=x'",
    );
    expect(notRequest.stdout).toBe("the body must be one certificate request in PEM form\n400");
  });
});

describe("a reset web node", () => {
  it("gets a fresh certificate from the same CA, which still verifies", async () => {
    const fingerprint = () =>
      run("client", `${SERVED_CERT} | openssl x509 -noout -fingerprint -sha256`);
    const before = await fingerprint();
    await resetNodes(engine, lab, ["web"]);
    expect(await fingerprint()).not.toBe(before);
    expect(await run("client", "curl -fsS https://web/")).toBe("static page\n");
    expect(await run("client", `${ONLY} /etc/socketlab/ca.pem https://web/`)).toBe("static page\n");
  });
});
