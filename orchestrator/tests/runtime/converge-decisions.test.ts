// Converge's decisions, from a plan and what the engine holds: every way a network or container
// can be outdated, what is kept, created or re-created, and what each start wave does.
import { describe, expect, it } from "vitest";
import { planLab } from "../../src/plan/plan.ts";
import type { LabPlan } from "../../src/plan/types.ts";
import {
  containersToCreate,
  isOutdated,
  labChanges,
  missingImages,
  startWaves,
} from "../../src/runtime/converge-decisions.ts";
import type {
  LabInventory,
  ObservedContainer,
  ObservedNetwork,
} from "../../src/runtime/inventory.ts";
import { network, node, request, topology } from "../plan/helpers.ts";

const CLIENT = "socketlab/client:latest";
const WEB = "socketlab/web:latest";

/** lan: alpha, beta; dmz: beta, web; web starts after alpha. */
function plan(): LabPlan {
  const result = planLab(
    topology(
      [network("lan", "192.168.1.0/24"), network("dmz", "172.16.0.0/24")],
      [
        node("alpha", { lan: 10 }),
        node("beta", { lan: 11, dmz: 11 }),
        node("web", { dmz: 80 }, { image: WEB, after: ["alpha"] }),
      ],
    ),
    request({ lab: "lab-1", owner: "alice" }),
  );
  if (!result.ok) throw new Error(result.error);
  return result.plan;
}

const images = new Map([
  [CLIENT, "sha256:client"],
  [WEB, "sha256:web"],
]);

/** What the engine holds once `lab` is up as planned, every container in `state`. */
function upAsPlanned(lab: LabPlan, state = "running"): LabInventory {
  return {
    networks: lab.networks.map(
      (n): ObservedNetwork => ({
        id: `net-${n.name}`,
        name: n.name,
        dockerName: n.dockerName,
        bridgeName: n.bridgeName,
        hash: n.hash,
        subnet: n.subnet,
      }),
    ),
    containers: lab.nodes.map(
      (n): ObservedContainer => ({
        id: `ctr-${n.name}`,
        name: n.name,
        containerName: n.containerName,
        hash: n.hash,
        imageId: images.get(n.image) as string,
        state,
        status: state,
      }),
    ),
  };
}

const names = (items: { name: string }[]) => items.map((i) => i.name).sort();
const keptNames = (kept: Map<string, unknown>) => [...kept.keys()].sort();

describe("the changes of a lab", () => {
  it("create everything on an empty engine and remove nothing", () => {
    const lab = plan();
    const changes = labChanges(lab, { networks: [], containers: [] }, images, "recreate");
    expect(names(changes.createNetworks)).toEqual(["dmz", "lan"]);
    expect(changes.removeNetworks).toEqual([]);
    expect(changes.removeContainers).toEqual([]);
    expect(changes.kept.size).toBe(0);
    expect(changes.hadContainer.size).toBe(0);
    expect(changes.removed).toEqual([]);
  });

  it("keep everything when the engine holds the plan", () => {
    const lab = plan();
    const changes = labChanges(lab, upAsPlanned(lab), images, "recreate");
    expect(changes.createNetworks).toEqual([]);
    expect(changes.removeNetworks).toEqual([]);
    expect(changes.removeContainers).toEqual([]);
    expect(keptNames(changes.kept)).toEqual(["alpha", "beta", "web"]);
  });

  it("keep stopped containers that match: they are started, not re-created", () => {
    const lab = plan();
    const changes = labChanges(lab, upAsPlanned(lab, "exited"), images, "recreate");
    expect(changes.removeContainers).toEqual([]);
    expect(keptNames(changes.kept)).toEqual(["alpha", "beta", "web"]);
  });

  it("re-create a node whose plan changed (by hash), and only it", () => {
    const lab = plan();
    const before = upAsPlanned(lab);
    (before.containers[0] as ObservedContainer).hash = "older";
    const changes = labChanges(lab, before, images, "recreate");
    expect(names(changes.removeContainers)).toEqual(["alpha"]);
    expect(keptNames(changes.kept)).toEqual(["beta", "web"]);
    expect(changes.removed).toEqual([]);
    expect(changes.hadContainer.has("alpha")).toBe(true);
  });

  it("re-create the nodes of an image rebuilt since their container was made", () => {
    const lab = plan();
    const rebuilt = new Map([...images, [CLIENT, "sha256:client-rebuilt"]]);
    const changes = labChanges(lab, upAsPlanned(lab), rebuilt, "recreate");
    expect(names(changes.removeContainers)).toEqual(["alpha", "beta"]);
    expect(keptNames(changes.kept)).toEqual(["web"]);
  });

  it("keep the nodes of a rebuilt image when asked to keep outdated nodes, but not a changed one", () => {
    const lab = plan();
    const rebuilt = new Map([...images, [CLIENT, "sha256:client-rebuilt"]]);
    const before = upAsPlanned(lab);
    (before.containers[0] as ObservedContainer).hash = "older";
    const changes = labChanges(lab, before, rebuilt, "keep");
    expect(names(changes.removeContainers)).toEqual(["alpha"]);
    expect(keptNames(changes.kept)).toEqual(["beta", "web"]);
  });

  it("call a container outdated only when its image has another current build", () => {
    const web = { image: WEB };
    expect(isOutdated({ imageId: "sha256:web" }, web, images)).toBe(false);
    expect(isOutdated({ imageId: "sha256:old" }, web, images)).toBe(true);
    expect(isOutdated({ imageId: "sha256:old" }, web, new Map([[WEB, null]]))).toBe(false);
    expect(isOutdated({ imageId: "sha256:old" }, { image: "other" }, images)).toBe(false);
  });

  it("re-create a changed network and every node attached to it, before creating it again", () => {
    const lab = plan();
    const before = upAsPlanned(lab);
    const dmz = before.networks.find((n) => n.name === "dmz") as ObservedNetwork;
    dmz.hash = "older";
    const changes = labChanges(lab, before, images, "recreate");
    expect(changes.removeNetworks).toEqual([dmz]);
    expect(names(changes.createNetworks)).toEqual(["dmz"]);
    expect(names(changes.removeContainers)).toEqual(["beta", "web"]);
    expect(keptNames(changes.kept)).toEqual(["alpha"]);
  });

  it("remove the nodes and networks the plan no longer has", () => {
    const lab = plan();
    const before = upAsPlanned(lab);
    before.networks.push({
      id: "net-old",
      name: "old",
      dockerName: "sl_lab-1_old",
      bridgeName: "sl-old",
      hash: "h",
      subnet: "10.1.0.0/24",
    });
    before.containers.push({
      id: "ctr-gone",
      name: "gone",
      containerName: "sl_lab-1_gone",
      hash: "h",
      imageId: "sha256:client",
      state: "running",
      status: "running",
    });
    const changes = labChanges(lab, before, images, "recreate");
    expect(names(changes.removeNetworks)).toEqual(["old"]);
    expect(changes.createNetworks).toEqual([]);
    expect(names(changes.removeContainers)).toEqual(["gone"]);
    expect(changes.removed).toEqual(["gone"]);
    expect(keptNames(changes.kept)).toEqual(["alpha", "beta", "web"]);
  });

  it("remove a container whose name the plan does not give, though it carries a node's label", () => {
    const lab = plan();
    const before = upAsPlanned(lab);
    (before.containers[0] as ObservedContainer).containerName = "someone-else";
    const changes = labChanges(lab, before, images, "recreate");
    expect(names(changes.removeContainers)).toEqual(["alpha"]);
    // Still planned: its new container is a re-creation, and it is not reported removed.
    expect(changes.removed).toEqual([]);
    expect(changes.hadContainer.has("alpha")).toBe(true);
  });

  it("create a network the engine lacks while keeping the others", () => {
    const lab = plan();
    const before = upAsPlanned(lab);
    before.networks = before.networks.filter((n) => n.name !== "lan");
    const changes = labChanges(lab, before, images, "recreate");
    expect(names(changes.createNetworks)).toEqual(["lan"]);
    expect(changes.removeNetworks).toEqual([]);
  });
});

describe("the containers to create", () => {
  it("are the nodes without a kept container, re-created when they had one", () => {
    const lab = plan();
    const before = upAsPlanned(lab);
    before.containers = before.containers.filter((c) => c.name !== "web");
    (before.containers[0] as ObservedContainer).hash = "older";
    const changes = labChanges(lab, before, images, "recreate");
    expect(
      containersToCreate(lab, changes).map(({ node, recreated }) => [node.name, recreated]),
    ).toEqual([
      ["alpha", true],
      ["web", false],
    ]);
  });

  it("come in start order, the nodes others wait for first", () => {
    const lab = plan();
    const changes = labChanges(lab, { networks: [], containers: [] }, images, "recreate");
    expect(lab.nodes.map((n) => n.name)).toEqual(["alpha", "beta", "web"]);
    const waves = [["web"], ["alpha", "beta"]];
    expect(
      containersToCreate({ ...lab, startWaves: waves }, changes).map(({ node }) => node.name),
    ).toEqual(["web", "alpha", "beta"]);
  });

  it("are none when everything is kept", () => {
    const lab = plan();
    expect(containersToCreate(lab, labChanges(lab, upAsPlanned(lab), images, "recreate"))).toEqual(
      [],
    );
  });
});

describe("the start waves", () => {
  it("follow the plan's waves: a node started after those it waits for", () => {
    const lab = plan();
    const waves = startWaves(lab, new Map()).map((wave) => wave.map((s) => s.name));
    expect(waves).toEqual(lab.startWaves);
    const waveOf = (name: string) => waves.findIndex((wave) => wave.includes(name));
    expect(waveOf("web")).toBeGreaterThan(waveOf("alpha"));
  });

  it("leave running kept nodes alone, start stopped kept ones again and new ones first", () => {
    const lab = plan();
    const before = upAsPlanned(lab);
    (before.containers[1] as ObservedContainer).state = "exited"; // beta
    const kept = new Map(
      before.containers.filter((c) => c.name !== "web").map((c) => [c.name, c] as const),
    );
    const steps = Object.fromEntries(
      startWaves(lab, kept)
        .flat()
        .map((s) => [s.name, s.step]),
    );
    expect(steps).toEqual({ alpha: "unchanged", beta: "restarted", web: "new" });
  });

  it("start again a kept node in any state but running", () => {
    const lab = plan();
    for (const state of ["created", "exited", "restarting", "paused", "dead"]) {
      const kept = new Map(upAsPlanned(lab, state).containers.map((c) => [c.name, c] as const));
      expect(
        new Set(
          startWaves(lab, kept)
            .flat()
            .map((s) => s.step),
        ),
      ).toEqual(new Set(["restarted"]));
    }
  });
});

describe("missing images", () => {
  it("are none when the engine has every image", () => {
    expect(missingImages(plan().nodes, images)).toBeNull();
  });

  it("are named with the nodes that need them", () => {
    const ids = new Map<string, string | null>([
      [CLIENT, null],
      [WEB, null],
    ]);
    expect(missingImages(plan().nodes, ids)).toBe(
      `image ${CLIENT} (node alpha, beta), ${WEB} (node web) is not on the engine; socketlab's own images come from 'socketlab images build', any other must be built or loaded there first`,
    );
  });
});
