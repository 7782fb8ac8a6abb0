// topologies/tls-pki: the web server's certificate verifies against the lab CA with real
// clients, and every check fails on a fresh lab and passes once the reference solution (kept
// here, never in the handout) ran on `client`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downLab, upLab } from "../../../orchestrator/src/labs/lifecycle.ts";
import type { Engine } from "../../../orchestrator/src/runtime/engine.ts";
import { sh, testEngine, uniqueLabId } from "../engine.ts";
import { expectChecks, expectPassing, libraryTopology } from "./solutions.ts";

let engine: Engine;
const lab = uniqueLabId("it-labsa-tls-pki");
const CHECKS = ["server-fingerprint", "csr", "signed", "tls-server"];

/** Task 4: HTTPS on port 8443 with the certificate the CA signed. */
const TLS_SERVER = `
import http.server, ssl

context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain("/root/tls/client.crt", "/root/tls/client.key")

class Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"hello over TLS, from client\\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

server = http.server.ThreadingHTTPServer(("", 8443), Hello)
server.socket = context.wrap_socket(server.socket, server_side=True)
server.serve_forever()
`;

/** Task 2, in /root/tls: a key and a request for CN=client. */
const MAKE_REQUEST = `openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout client.key \\
  -subj /CN=client -out client.csr 2>/dev/null`;

/** Task 4, in /root/tls: the server in the background (its pid in server.pid), once it listens. */
const START_SERVER = `cat > server.py <<'PY'
${TLS_SERVER}
PY
nohup python3 server.py >server.log 2>&1 &
echo $! > server.pid
for i in $(seq 100); do ss -ltn | grep -q ':8443 ' && exit 0; sleep 0.1; done
cat server.log; exit 1`;

/** The reference solution, tasks 1 to 4 in order. */
const SOLUTION = `set -e
mkdir -p /root/tls && cd /root/tls
openssl s_client -connect web:443 -servername web </dev/null 2>/dev/null |
  openssl x509 -noout -fingerprint -sha256 | sed 's/^[^=]*=/fingerprint=/' > answers.txt
${MAKE_REQUEST}
curl -fsS --data-binary @client.csr 'http://ca:8600/sign?name=client' -o client.crt
openssl verify -CAfile /etc/socketlab/ca.pem client.crt
${START_SERVER}`;

beforeAll(async () => {
  engine = await testEngine();
  await upLab(engine, await libraryTopology("tls-pki"), { lab, owner: "erin" });
});

afterAll(async () => {
  if (engine) await downLab(engine, lab); // undefined when the images could not be built
});

const on = (node: string, script: string) => sh(engine, lab, node, script);

describe("the tls-pki lab", () => {
  it("serves HTTPS that verifies against the lab CA, and only for its names", async () => {
    const trusted = await on(
      "client",
      "curl -fsS https://web/ && curl -fsS --cacert /etc/socketlab/ca.pem https://web/",
    );
    expect(trusted.stdout, trusted.stderr).toBe("Hello over TLS, from web.\n".repeat(2));
    // The same server under a name its certificate does not hold: curl refuses it.
    const address = (await on("client", "getent hosts web | cut -d' ' -f1")).stdout.trim();
    const misnamed = await on(
      "client",
      `curl -sS -o /dev/null --resolve elsewhere.example:443:${address} https://elsewhere.example/`,
    );
    expect(misnamed.exitCode).not.toBe(0);
    expect(misnamed.stderr).toMatch(/subject|name/i);
  });

  it("fails every check on a fresh lab", async () => {
    await expectChecks(engine, lab, CHECKS, false);
  });

  it("takes no self-signed certificate for one the lab CA signed", async () => {
    const selfSigned = await on(
      "client",
      `set -e
mkdir -p /root/tls && cd /root/tls
${MAKE_REQUEST}
openssl x509 -req -in client.csr -key client.key -days 1 -out client.crt \\
  -extfile /dev/stdin 2>/dev/null <<'EXT'
subjectAltName=DNS:client
EXT
${START_SERVER}`,
    );
    expect(selfSigned.exitCode, selfSigned.stdout + selfSigned.stderr).toBe(0);
    await expectPassing(engine, lab, CHECKS, ["csr"]);
    const stopped = await on(
      "client",
      "kill $(cat /root/tls/server.pid); while ss -ltn | grep -q ':8443 '; do sleep 0.1; done",
    );
    expect(stopped.exitCode).toBe(0);
  });

  it("passes every check after the reference solution", async () => {
    const solved = await on("client", SOLUTION);
    expect(solved.exitCode, solved.stdout + solved.stderr).toBe(0);
    await expectChecks(engine, lab, CHECKS, true);
  });
});
