// A student floods their terminal's output (`yes`) and reads all of it as fast as it comes, so
// that no viewer's backpressure ever holds it: the session's output rate holds the flood in the
// node instead (what `yes` has written stops growing while the service waits for the budget),
// the service's memory stays bounded, Ctrl-C still stops it (keystrokes are not held), and another
// student's terminal echoes. The rate is set low so that the holds are long enough to see between
// two looks.
import { expect, it } from "vitest";
import { eventually, running, written } from "../api/terminal-client.ts";
import {
  answers,
  echoes,
  hostileSuite,
  MEMORY_GROWTH_LIMIT,
  terminal,
  watchMemory,
} from "./harness.ts";

const suite = hostileSuite(2, { SOCKETLAB_TERMINAL_OUTPUT_RATE: "4k" });

it("holds a flood read as fast as it comes at the output rate, in its node", async () => {
  const h = suite();
  const [attacker, bystander] = h.students as [(typeof h.students)[0], (typeof h.students)[0]];
  const shell = await terminal(h, attacker);
  const memory = watchMemory(h);
  shell.type("yes output-rate-flood\r");
  await shell.see("output-rate-flood\r\noutput-rate-flood", 30_000);

  let previous = -1;
  const held = await eventually(
    async () => {
      const now = await written(h.engine, attacker.lab, "alpha", "yes output-rate-flood");
      const same = now > 0 && now === previous;
      previous = now;
      return same;
    },
    true,
    60_000,
  );
  expect(held).toBe(true);

  await echoes(h, bystander);
  expect(await answers(h)).toBe(true);
  shell.type("\x03");
  expect(
    await eventually(() => running(h.engine, attacker.lab, "alpha", "yes output-rate-flood"), 0),
  ).toBe(0);
  expect(memory.stop() - memory.baseline).toBeLessThan(MEMORY_GROWTH_LIMIT);
  shell.socket.terminate();
}, 180_000);
