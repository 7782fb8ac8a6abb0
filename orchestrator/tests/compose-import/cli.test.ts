// `socketlab import` as a user runs it: a folder written whole, or nothing at all.
import { spawnSync } from "node:child_process";
import { cp, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../src/paths.ts";
import { loadTopologyFile } from "../../src/topology/load.ts";
import { scratch } from "./scratch.ts";

const MAIN = join(REPO_ROOT, "orchestrator/src/cli/main.ts");
const socketlab = (args: string[], cwd: string) =>
  spawnSync(process.execPath, [MAIN, ...args], { cwd, encoding: "utf8" });

// Each test starts the CLI two or three times: seconds each on a loaded machine.
describe("socketlab import", { timeout: 60_000 }, () => {
  it("writes a topology folder that loads, named after the lab's folder, and prints what to check", async () => {
    const work = await scratch("sl-import-cli-");
    await cp(join(REPO_ROOT, "tests/fixtures/seed/dns"), join(work, "DNS_Local"), {
      recursive: true,
    });
    const run = socketlab(["import", "DNS_Local/Labsetup/docker-compose.yml"], work);
    expect(run.stderr).toContain(
      "DNS_Local/Labsetup/image_user/Dockerfile:5:1: changed: /etc/resolv.conf",
    );
    expect(run.stdout).toContain("dns-local: 3 nodes from docker-compose.yml");
    expect(run.status).toBe(0);
    const loaded = await loadTopologyFile(join(work, "dns-local", "topology.yaml"));
    expect(loaded.ok && loaded.topology.nodes.map((n) => n.name)).toEqual([
      "local-server",
      "user",
      "attacker",
    ]);
    expect(await readFile(join(work, "dns-local", "IMPORT.md"), "utf8")).toContain(
      "# dns-local: imported from SEED Labs",
    );
    // Never over what exists.
    const again = socketlab(
      ["import", "DNS_Local/Labsetup/docker-compose.yml", "-o", "dns-local"],
      work,
    );
    expect(again.status).toBe(1);
    expect(again.stderr).toContain("dns-local exists and is not empty");
  });

  it("writes nothing when the compose file has a problem, and says where", async () => {
    const work = await scratch("sl-import-cli-");
    await writeFile(
      join(work, "docker-compose.yml"),
      "services:\n  web:\n    image: x\n    ports: ['80:80']\n    networks: { lan: { ipv4_address: 10.1.0.5 } }\nnetworks:\n  lan: { ipam: { config: [{ subnet: 10.9.0.0/24 }] } }\n",
    );
    const run = socketlab(["import", "docker-compose.yml", "-o", "out"], work);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      "docker-compose.yml:4:5: services.web.ports: ports: publishes ports on the host; lab nodes reach each other inside the lab, never the host\nnothing was written\n",
    );
    await writeFile(join(work, "docker-compose.yml"), "services: {a: [\n");
    const broken = socketlab(["import", "docker-compose.yml", "-o", "out"], work);
    expect(broken.status).toBe(1);
    expect(broken.stderr).toMatch(/^docker-compose\.yml:\d+:\d+: invalid YAML: /);
    expect(await readdir(work)).toEqual(["docker-compose.yml"]);
  });
});
