// A student fires many runs of their lab's checks at once with their own token: at most two run
// on their lab at once, the others are refused with 429 saying why, and the service answers on;
// another student's checks and terminal work meanwhile.
import { expect, it } from "vitest";
import { answers, as, echoes, hostileSuite } from "./harness.ts";

const suite = hostileSuite(2);

it("refuses checks past the bound per lab with 429", async () => {
  const h = suite();
  const [attacker, bystander] = h.students as [(typeof h.students)[0], (typeof h.students)[0]];
  const runs = await Promise.all(
    Array.from({ length: 10 }, () =>
      as(h, attacker.token, "GET", `/api/labs/${attacker.lab}/checks`),
    ),
  );
  const statuses = runs.map((r) => r.status);
  expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
  expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(2);
  expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(8);
  const refusal = (await runs.find((r) => r.status === 429)?.json()) as {
    error: string;
    message: string;
  };
  expect(refusal.error).toBe("too_many_requests");
  expect(refusal.message).toMatch(/already has 2 runs of checks under way/);

  const other = await as(h, bystander.token, "GET", `/api/labs/${bystander.lab}/checks`);
  expect(other.status).toBe(200);
  expect(((await other.json()) as { passed: boolean }[])[0]?.passed).toBe(true);
  expect(await answers(h)).toBe(true);
  await echoes(h, bystander);
});
