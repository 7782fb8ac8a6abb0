// topologies/ssh: the server answers real ssh clients, and every check fails on a fresh lab and
// passes once the reference solution (kept here, never in the handout) ran on `client`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downLab, upLab } from "../../../orchestrator/src/labs/lifecycle.ts";
import type { Engine } from "../../../orchestrator/src/runtime/engine.ts";
import { sh, testEngine, uniqueLabId } from "../engine.ts";
import { expectChecks, libraryTopology } from "./solutions.ts";

let engine: Engine;
const lab = uniqueLabId("it-labsa-ssh");
const CHECKS = [
  "ed25519-key",
  "key-login",
  "authorized-key",
  "remote-command",
  "scp-upload",
  "port-forward",
];

// A student types alice's password; here ssh asks a program for it (OpenSSH 8.4+), tty or not.
const WITH_PASSWORD = `printf '#!/bin/sh\\necho alice-pw\\n' > /root/askpass && chmod 700 /root/askpass
export SSH_ASKPASS=/root/askpass SSH_ASKPASS_REQUIRE=force`;

/** The reference solution, tasks 1 to 5 in order. */
const SOLUTION = `set -e
${WITH_PASSWORD}
ssh-keygen -q -t ed25519 -N '' -f /root/.ssh/id_ed25519
ssh-copy-id -o StrictHostKeyChecking=accept-new -i /root/.ssh/id_ed25519.pub alice@server
unset SSH_ASKPASS SSH_ASKPASS_REQUIRE
ssh -o BatchMode=yes alice@server ls /srv/backups > /root/backups.txt
scp -o BatchMode=yes /root/report.txt alice@server:
ssh -o BatchMode=yes -o ExitOnForwardFailure=yes -f -N -L 8080:wiki:80 alice@server >/dev/null 2>&1`;

beforeAll(async () => {
  engine = await testEngine();
  await upLab(engine, await libraryTopology("ssh"), { lab, owner: "erin" });
});

afterAll(async () => {
  if (engine) await downLab(engine, lab); // undefined when the images could not be built
});

const onClient = (script: string) => sh(engine, lab, "client", script);

describe("the ssh lab", () => {
  it("logs alice in with her password, and hides the wiki from the client", async () => {
    const login = await onClient(
      `${WITH_PASSWORD}\nssh -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR alice@server 'id -un; ls /srv/backups | wc -l'`,
    );
    expect(login.stdout, login.stderr).toBe("alice\n3\n");
    const wiki = await onClient("curl -sS --max-time 3 http://wiki/");
    expect(wiki.exitCode).not.toBe(0);
    const fromServer = await sh(engine, lab, "server", "curl -fsS --max-time 3 http://wiki/");
    expect(fromServer.stdout).toMatch(/^Intranet wiki/);
  });

  it("fails every check on a fresh lab", async () => {
    await onClient("rm -f /root/askpass");
    await expectChecks(engine, lab, CHECKS, false);
  });

  it("passes every check after the reference solution", async () => {
    const solved = await onClient(SOLUTION);
    expect(solved.exitCode, solved.stdout + solved.stderr).toBe(0);
    await expectChecks(engine, lab, CHECKS, true);
  });
});
