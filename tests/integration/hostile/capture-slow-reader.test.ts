// A student floods their own network and starts captures of it that they never read, and asks for
// more captures than the bounds allow: the service reads tcpdump's output no faster than the
// download drains (the engine's stream waits), refuses the captures past the bound with 429, and
// its memory stays bounded; another student's terminal works meanwhile.
import { expect, it } from "vitest";
import {
  answers,
  as,
  echoes,
  hostileSuite,
  MEMORY_GROWTH_LIMIT,
  sleep,
  terminal,
  watchMemory,
} from "./harness.ts";

const suite = hostileSuite(2);

it("holds unread captures of a flooded network, and refuses captures past the bound", async () => {
  const h = suite();
  const [attacker, bystander] = h.students as [(typeof h.students)[0], (typeof h.students)[0]];
  const receiver = await terminal(h, attacker, "beta");
  receiver.type("nc -lk 9000 >/dev/null & echo LISTENING-$((6*7))\r");
  await receiver.see("LISTENING-42");
  const sender = await terminal(h, attacker, "alpha");
  sender.type(
    "while true; do head -c 100000000 /dev/zero | nc -N beta 9000; done >/dev/null 2>&1 & echo FLOODING-$((6*7))\r",
  );
  await sender.see("FLOODING-42");

  const memory = watchMemory(h);
  const captures = await Promise.all(
    [1, 2, 3].map(() =>
      as(h, attacker.token, "GET", `/api/labs/${attacker.lab}/networks/front/capture?seconds=30`),
    ),
  );
  const statuses = captures.map((r) => r.status).sort();
  // Two per lab at once: the third is refused, saying why.
  expect(statuses).toEqual([200, 200, 429]);
  const refused = captures.find((r) => r.status === 429) as Response;
  expect(((await refused.json()) as { error: string }).error).toBe("too_many_requests");
  // The two downloads are never read while the network floods.
  await sleep(20_000);
  const peak = memory.stop();
  expect(peak - memory.baseline).toBeLessThan(MEMORY_GROWTH_LIMIT);
  expect(await answers(h)).toBe(true);
  await echoes(h, bystander);
  for (const capture of captures) if (capture.status === 200) await capture.body?.cancel();
  sender.type("kill %1\r");
  receiver.type("kill %1\r");
  await sender.close();
  await receiver.close();
});
