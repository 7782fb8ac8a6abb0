// A student starts a command that writes without end and leaves (the "open, `cat /dev/urandom |
// base64`, disconnect" loop that would fill the data volume through the recording): the shell is
// paused as soon as nobody looks, its recording stops growing, and it goes on when the student
// comes back within the grace period.
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { expect, it } from "vitest";
import { hello, Terminal } from "../api/terminal-client.ts";
import { echoes, hostileSuite, sleep, terminal } from "./harness.ts";

const suite = hostileSuite(2, { SOCKETLAB_TERMINAL_GRACE: "60s" });

it("pauses a flooding shell nobody looks at, and resumes it for its viewer", async () => {
  const h = suite();
  const [attacker, bystander] = h.students as [(typeof h.students)[0], (typeof h.students)[0]];
  const shell = await terminal(h, attacker);
  const session = (await shell.ready).session as string;
  shell.type("cat /dev/urandom | base64 -w 100 | sed 's/^/FLOOD /'\r");
  await shell.see(/FLOOD [A-Za-z0-9+/]{100}\r\n/);
  shell.socket.terminate();
  await shell.closed;

  const recording = join(h.dataDir, "recordings", `${session}.cast`);
  // What was on its way when the last viewer left may still land; then nothing more.
  await sleep(2_000);
  const left = (await stat(recording)).size;
  await sleep(10_000);
  const later = (await stat(recording)).size;
  expect(later - left).toBeLessThan(256 * 1024);

  // Back within the grace period: the same shell, its output flowing again.
  const back = new Terminal(
    `${h.ws}/api/labs/${attacker.lab}/nodes/alpha/terminal`,
    hello(attacker.token, 80, 24, { session }),
  );
  await back.ready;
  const seen = back.output().length;
  for (let i = 0; i < 100 && back.output().length - seen < 1024 * 1024; i++) await sleep(100);
  expect(back.output().length - seen).toBeGreaterThanOrEqual(1024 * 1024);
  back.type("\x03");
  back.type("echo STOPPED-$((6*7))\r");
  await back.see("STOPPED-42", 60_000);
  await back.close();
  await echoes(h, bystander);
});
