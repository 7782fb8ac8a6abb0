// A student replaces `tail`, which every check runs in the node to keep its output short, with
// `yes`, and runs their checks with their own token: each run would have the service buffer all
// the output the check timeout allows. The service keeps only the last bytes, says so, and its
// memory stays bounded; another student's terminal works meanwhile.
import { expect, it } from "vitest";
import { CHECK_OUTPUT_BYTES } from "../../../orchestrator/src/labs/checks.ts";
import {
  answers,
  as,
  echoes,
  hostileSuite,
  MEMORY_GROWTH_LIMIT,
  terminal,
  watchMemory,
} from "./harness.ts";

const suite = hostileSuite(2);

it("keeps only the end of a flooding check's output, with bounded memory", async () => {
  const h = suite();
  const [attacker, bystander] = h.students as [(typeof h.students)[0], (typeof h.students)[0]];
  const shell = await terminal(h, attacker);
  shell.type(
    "printf '#!/bin/sh\\nexec yes flooding-the-service\\n' | sudo tee /usr/bin/tail >/dev/null && echo TAIL-REPLACED-$((6*7))\r",
  );
  await shell.see("TAIL-REPLACED-42");
  await shell.close();

  const memory = watchMemory(h);
  const response = await as(h, attacker.token, "GET", `/api/labs/${attacker.lab}/checks`);
  const peak = memory.stop();
  expect(response.status).toBe(200);
  const [result] = (await response.json()) as { passed: boolean; output: string }[];
  // `yes` never ends, nor does the check: it failed, with only its output's end kept.
  expect(result?.passed).toBe(false);
  expect(result?.output.slice(0, 300)).toMatch(/^…/);
  expect(result?.output).toContain("flooding-the-service\nflooding-the-service\n");
  expect(result?.output).toMatch(/\n\(did not end 10 s after its timeout of 10 s\)$/);
  expect(Buffer.byteLength(result?.output ?? "")).toBeLessThanOrEqual(CHECK_OUTPUT_BYTES + 100);
  expect(peak - memory.baseline).toBeLessThan(MEMORY_GROWTH_LIMIT);

  expect(await answers(h)).toBe(true);
  await echoes(h, bystander);
});
