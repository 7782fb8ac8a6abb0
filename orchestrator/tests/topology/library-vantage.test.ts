// Where each library check runs: those observable from the network from the probe, out of the
// student's reach; the others on a node, where the gradebook marks them. A check moved back onto
// a node (or a new one added) shows here.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { TOPOLOGIES_DIR } from "../../src/paths.ts";
import { loadTopologyFile } from "../../src/roles/load.ts";

const PROBE: Record<string, string[]> = {
  "app-protocols": ["ftp-upload", "smtp-sent", "imap-read"],
  caching: ["proxy", "cached", "expiry"],
  "dns-local-attack": ["cached-answer", "user-fooled", "zone-taken"],
  "dns-remote-kaminsky": ["user-fooled"],
  "p2p-game": ["ack"],
  sockets: ["tcp-echo", "tcp-half-close", "udp-echo"],
  ssh: ["scp-upload"],
  "tls-pki": ["tls-server"],
  "web-security": ["csrf-email"],
};

it("runs every library check observable from the network from the probe", async () => {
  const labs = readdirSync(TOPOLOGIES_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const probe: Record<string, string[]> = {};
  for (const lab of labs) {
    const loaded = await loadTopologyFile(join(TOPOLOGIES_DIR, lab, "topology.yaml"));
    if (!loaded.ok) throw new Error(`${lab} does not load`);
    const ids = loaded.topology.checks.filter((c) => c.vantage === "probe").map((c) => c.id);
    if (ids.length > 0) probe[lab] = ids;
  }
  expect(probe).toEqual(PROBE);
});
