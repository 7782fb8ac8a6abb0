// A student fills Docker's data root from their node (`fallocate`: overlay2 here has no quotas, so
// nothing stops the write itself): at the service's next sweep the node is over its limit, its
// terminal says why, it is stopped (and stays stopped: its restart policy does not bring it back),
// and the audit log says so, as does the lab's status that the student's page shows, also after
// the service restarts. Their other node and another student's lab go on.
import { expect, it } from "vitest";
import { labInventory } from "../../../orchestrator/src/runtime/inventory.ts";
import { answers, as, echoes, hostileSuite, restartService, sleep, terminal } from "./harness.ts";

const LIMIT = "100m";

const suite = hostileSuite(2, { SOCKETLAB_NODE_DISK: LIMIT });

it("stops a node that writes past its disk limit, says so, and touches nothing else", async () => {
  const h = suite();
  const [attacker, bystander] = h.students as [(typeof h.students)[0], (typeof h.students)[0]];
  const shell = await terminal(h, attacker);
  shell.type("fallocate -l 300m /var/tmp/fill && echo FILLED-$((6*7))\r");
  await shell.see("FILLED-42", 30_000);

  // The sweep runs every 30 s.
  await shell.see("to its disk, over its limit of 100 MiB, and was stopped", 120_000);
  const state = async (node: string) =>
    (await labInventory(h.engine, attacker.lab)).containers.find((c) => c.name === node)?.state;
  for (let i = 0; i < 100 && (await state("alpha")) === "running"; i++) await sleep(100);
  expect(await state("alpha")).toBe("exited");
  expect(await state("beta")).toBe("running");

  const audit = await h.service.json<{ action: string; target: string; detail: unknown }[]>(
    "GET",
    "/api/audit?limit=1000",
  );
  const stopped = audit.filter((a) => a.action === "node.disk-limit");
  expect(stopped).toEqual([
    expect.objectContaining({
      target: attacker.lab,
      detail: {
        node: "alpha",
        bytes: expect.toSatisfy((bytes: number) => bytes > 100 * 1024 * 1024),
        limit: 100 * 1024 * 1024,
      },
    }),
  ]);

  // The student's page says why, from the lab's status, also once the service has restarted.
  const reasons = async () => {
    const response = await as(h, attacker.token, "GET", `/api/labs/${attacker.lab}`);
    expect(response.status).toBe(200);
    const status = (await response.json()) as { nodes: { name: string; stopReason: unknown }[] };
    return Object.fromEntries(status.nodes.map((n) => [n.name, n.stopReason]));
  };
  const shown = await reasons();
  expect(shown).toEqual({
    alpha: {
      cause: "disk-limit",
      bytes: (stopped[0] as { detail: { bytes: number } }).detail.bytes,
      limitBytes: 100 * 1024 * 1024,
      at: expect.any(String),
      message: expect.stringMatching(
        /^this node wrote \d+ MiB to its disk, over its limit of 100 MiB, and was stopped; its files are kept/,
      ),
    },
    beta: null,
  });
  await restartService(h);
  expect(await reasons()).toEqual(shown);

  // Not started again by the engine (its restart policy), and nothing else hurt.
  await sleep(3_000);
  expect(await state("alpha")).toBe("exited");
  expect(await answers(h)).toBe(true);
  await echoes(h, bystander);
});
