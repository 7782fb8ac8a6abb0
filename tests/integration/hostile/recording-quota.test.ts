// A student floods their terminal's output to fill the data volume through its recording: the
// recording stops at the student's quota, the terminal says so and keeps working, the audit log
// says so; another student's terminal is recorded as before.
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { expect, it } from "vitest";
import { echoes, hostileSuite, terminal } from "./harness.ts";

const QUOTA = 2 * 1024 * 1024;

const suite = hostileSuite(2, { SOCKETLAB_RECORDINGS_PER_USER: "2m" });

it("stops a recording at the user's quota, says so, and the terminal keeps working", async () => {
  const h = suite();
  const [attacker, bystander] = h.students as [(typeof h.students)[0], (typeof h.students)[0]];
  const shell = await terminal(h, attacker);
  const session = (await shell.ready).session as string;
  shell.type("head -c 6000000 /dev/urandom | base64; echo FLOOD-$((6*7))\r");
  await shell.see(
    "[socketlab] This terminal is no longer recorded: your recordings reached their quota of 2 MiB. It keeps working.",
    60_000,
  );
  await shell.see("FLOOD-42", 60_000);
  shell.type("echo STILL-$((6*7))\r");
  await shell.see("STILL-42");
  await shell.close();

  const recording = join(h.dataDir, "recordings", `${session}.cast`);
  expect((await stat(recording)).size).toBeLessThanOrEqual(QUOTA + 1024);
  const audit = await h.service.json<{ action: string; target: string; detail: unknown }[]>(
    "GET",
    "/api/audit?limit=1000",
  );
  const stopped = audit.filter((a) => a.action === "terminal.recording-stopped");
  expect(stopped).toEqual([
    {
      ...stopped[0],
      target: attacker.lab,
      detail: {
        node: "alpha",
        session,
        reason: "your recordings reached their quota of 2 MiB",
      },
    },
  ]);
  // The bystander's own quota is untouched.
  await echoes(h, bystander);
  const after = await h.service.json<{ action: string }[]>("GET", "/api/audit?limit=1000");
  expect(after.filter((a) => a.action === "terminal.recording-stopped")).toHaveLength(1);
});
