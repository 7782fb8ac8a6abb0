// topologies/caching: the slow backend and memcached answer real clients, and every check fails
// on a fresh lab and passes once the reference cache-aside proxy (kept here, never in the
// handout) runs on `client`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downLab, upLab } from "../../../orchestrator/src/labs/lifecycle.ts";
import type { Engine } from "../../../orchestrator/src/runtime/engine.ts";
import { sh, testEngine, uniqueLabId } from "../engine.ts";
import { expectChecks, expectPassing, libraryTopology } from "./solutions.ts";

let engine: Engine;
const lab = uniqueLabId("it-labsa-caching");
const CHECKS = ["proxy", "cached", "one-backend-hit", "expiry"];

/** Tasks 1 to 3: memcached's text protocol over a socket, the backend on a miss, 60 s expiry. */
const PROXY = `
import http.server, socket, urllib.request

BACKEND = "http://backend/api/products/"
TTL_SECONDS = 60

def memcached(request):
    """Sends one command; returns a line reader over the reply."""
    sock = socket.create_connection(("cache", 11211), timeout=3)
    sock.sendall(request)
    return sock, sock.makefile("rb")

def cache_get(key):
    sock, reply = memcached(f"get {key}\\r\\n".encode())
    with sock, reply:
        header = reply.readline()
        if not header.startswith(b"VALUE "):
            return None
        size = int(header.split()[3])
        data = reply.read(size + 2)[:-2]
        reply.readline()  # END
        return data

def cache_set(key, data):
    sock, reply = memcached(f"set {key} 0 {TTL_SECONDS} {len(data)}\\r\\n".encode() + data + b"\\r\\n")
    with sock, reply:
        reply.readline()  # STORED

class Proxy(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        parts = self.path.split("/")
        if len(parts) != 3 or parts[1] != "products" or not parts[2].isdigit():
            self.send_error(404)
            return
        key = "product:" + parts[2]
        body = cache_get(key)
        if body is None:
            with urllib.request.urlopen(BACKEND + parts[2], timeout=10) as answer:
                body = answer.read()
            cache_set(key, body)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

http.server.ThreadingHTTPServer(("", 8000), Proxy).serve_forever()
`;

beforeAll(async () => {
  engine = await testEngine();
  await upLab(engine, await libraryTopology("caching"), { lab, owner: "erin" });
});

afterAll(async () => {
  if (engine) await downLab(engine, lab); // undefined when the images could not be built
});

const onClient = (script: string) => sh(engine, lab, "client", script);

/** Starts `source` as the proxy on client (stopping the one before) and waits for port 8000. */
async function startProxy(source: string) {
  const started = await onClient(
    `test -e /root/proxy.pid && kill $(cat /root/proxy.pid) && while ss -ltn | grep -q ':8000 '; do sleep 0.1; done
cat > /root/proxy.py <<'PY'\n${source}\nPY
nohup python3 /root/proxy.py >/root/proxy.log 2>&1 &
echo $! > /root/proxy.pid
for i in $(seq 100); do ss -ltn | grep -q ':8000 ' && exit 0; sleep 0.1; done
cat /root/proxy.log; exit 1`,
  );
  expect(started.exitCode, started.stdout).toBe(0);
}

describe("the caching lab", () => {
  it("has a backend that takes a second per answer, and memcached", async () => {
    const product = await onClient("curl -fsS -w '%{time_total}\\n' http://backend/api/products/7");
    const [body, seconds] = product.stdout.trim().split("\n");
    expect(JSON.parse(body as string)).toEqual({ id: 7, name: "product 7", price: 54.33 });
    expect(Number(seconds)).toBeGreaterThanOrEqual(0.9); // a lower bound: load only adds to it
    const cache = await onClient(
      "printf 'set probe 0 60 2\\r\\nhi\\r\\nget probe\\r\\ndelete probe\\r\\nquit\\r\\n' | nc -N -w 3 cache 11211",
    );
    expect(cache.stdout).toBe("STORED\r\nVALUE probe 0 2\r\nhi\r\nEND\r\nDELETED\r\n");
  });

  it("fails every check on a fresh lab", async () => {
    await expectChecks(engine, lab, CHECKS, false);
  });

  it("fails only the expiry check with a proxy whose entries never expire", async () => {
    await startProxy(PROXY.replace("TTL_SECONDS = 60", "TTL_SECONDS = 0"));
    await expectPassing(engine, lab, CHECKS, ["proxy", "cached", "one-backend-hit"]);
  });

  it("passes every check once the reference proxy runs on client", async () => {
    await startProxy(PROXY);
    await expectChecks(engine, lab, CHECKS, true);
  });
});
