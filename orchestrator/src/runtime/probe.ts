// Probes on the engine: created for one run of a lab's probe checks and removed after it (see
// plan/probe.ts for what a probe is). Creating, starting and removing one took 2.2-2.8 s on a
// 2-core machine (an exec in it 0.15-0.2 s); a probe kept per lab would save that per run but
// hold an address on every network it joined and have to follow every reset of the lab.
import { randomBytes } from "node:crypto";
import { PROBE_LABEL, PROBE_LIMITS, type ProbePlan, planProbe } from "../plan/probe.ts";
import type { LabPlan } from "../plan/types.ts";
import { removeContainer, startContainer } from "./containers.ts";
import { type Engine, errorMessage } from "./engine.ts";

/** Another probe of the same lab may hold an address at the same moment: try the next ones. */
const ADDRESS_ATTEMPTS = 8;

/** Runs `use` with a running probe of `plan`'s lab on `networks`, and removes the probe after. */
export async function withProbe<T>(
  engine: Engine,
  plan: LabPlan,
  networks: readonly string[],
  use: (container: string) => Promise<T>,
): Promise<T> {
  const container = await startProbe(engine, plan, networks);
  try {
    return await use(container);
  } finally {
    await removeContainer(engine, container);
  }
}

/** Docker gives a container its addresses when it starts: that is where a taken one fails. */
async function startProbe(
  engine: Engine,
  plan: LabPlan,
  networks: readonly string[],
): Promise<string> {
  const run = randomBytes(4).toString("hex");
  for (let attempt = 0; ; attempt++) {
    const container = await createProbe(engine, planProbe(plan, networks, run, attempt));
    try {
      await startContainer(engine, container);
      return container;
    } catch (error) {
      await removeContainer(engine, container);
      const taken = /already in use|address.*in use/i.test(errorMessage(error));
      if (!taken || attempt + 1 >= ADDRESS_ATTEMPTS) throw error;
    }
  }
}

async function createProbe(engine: Engine, probe: ProbePlan): Promise<string> {
  const [primary, ...others] = probe.endpoints;
  if (!primary) throw new Error("a probe needs a network");
  const id = await engine.containers.create({
    name: probe.containerName,
    Hostname: "probe",
    Image: probe.image,
    Cmd: ["sleep", "infinity"],
    Entrypoint: [],
    Labels: probe.labels,
    HostConfig: {
      Init: true,
      NetworkMode: primary.dockerNetwork,
      ExtraHosts: probe.extraHosts,
      Memory: PROBE_LIMITS.memoryBytes,
      MemorySwap: PROBE_LIMITS.memoryBytes,
      NanoCpus: PROBE_LIMITS.nanoCpus,
      PidsLimit: PROBE_LIMITS.pids,
    },
    NetworkingConfig: {
      EndpointsConfig: {
        [primary.dockerNetwork]: { IPAMConfig: { IPv4Address: primary.address } },
      },
    },
  });
  try {
    for (const endpoint of others) {
      await engine.networks.connect(endpoint.dockerNetwork, id, endpoint.address);
    }
  } catch (error) {
    await removeContainer(engine, id);
    throw error;
  }
  return id;
}

/** Removes every probe of a lab that a run cut short left behind (before its networks go). */
export async function removeProbes(engine: Engine, lab: string): Promise<void> {
  const probes = await engine.containers.list({ all: true, labels: [`${PROBE_LABEL}=${lab}`] });
  await Promise.all(probes.map((probe) => removeContainer(engine, probe.Id)));
}
