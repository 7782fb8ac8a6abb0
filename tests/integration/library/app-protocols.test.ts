// topologies/app-protocols: the lab's DNS, web API, FTP and mail servers answer real clients
// (curl, ftplib, smtplib, poplib), and every check fails on a fresh lab and passes once the
// reference solution (solutions/app-protocols/*.py, never in the handout) ran on `client`. The
// FTP and mail checks run from the probe: a student root on ftp and mail who replaces the tools
// a check inside those nodes would use, and writes the upload as root, fools none of them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runChecks } from "../../../orchestrator/src/labs/checks.ts";
import { downLab, upLab } from "../../../orchestrator/src/labs/lifecycle.ts";
import type { Engine } from "../../../orchestrator/src/runtime/engine.ts";
import { execCapture } from "../../../orchestrator/src/runtime/exec.ts";
import { nodeContainerId, sh, testEngine, uniqueLabId } from "../engine.ts";
import { expectChecks, libraryTopology, solutionFile } from "./solutions.ts";

let engine: Engine;
const lab = uniqueLabId("it-labsa-app-protocols");
const CHECKS = ["api-pages", "feed-titles", "ftp-upload", "ftp-download", "smtp-sent", "imap-read"];
/** api.py's ITEM_COUNT, and the subjects the mail node puts in alice's INBOX (topology.yaml). */
const ITEM_COUNT = 57;
const SEEDED_SUBJECTS = ["Welcome to the lab", "Reading mail with imaplib", "Office hours moved"];
const PROBE_CHECKS = ["ftp-upload", "smtp-sent", "imap-read"];

/** bash as root, as the student is: the student replaces /bin/sh on ftp. */
async function bash(node: string, script: string): Promise<string> {
  const container = await nodeContainerId(engine, lab, node);
  const result = await execCapture(engine, container, ["/bin/bash", "-c", script]);
  expect(result.exitCode, `${node}: ${result.stdout}${result.stderr}`).toBe(0);
  return result.stdout;
}

/**
 * What a student who read the checks that ran inside ftp and mail would do to fake them: an
 * upload written as root, stat saying alice, doveadm finding every message and none unseen, and
 * every sh -c on ftp succeeding.
 */
const FAKES = {
  ftp: `echo forged > /home/alice/hello.txt
printf '#!/bin/bash\necho alice\n' > /usr/bin/stat && chmod 755 /usr/bin/stat
rm -f /bin/sh && printf '#!/bin/bash\nexit 0\n' > /bin/sh && chmod 755 /bin/sh`,
  mail: `printf '#!/bin/bash\ncase "$*" in *UNSEEN*) ;; *) echo 1 ;; esac\n' > /usr/bin/doveadm
chmod 755 /usr/bin/doveadm`,
};

/** Runs a Python program on client. */
const python = (source: string) => sh(engine, lab, "client", `python3 - <<'PY'\n${source}\nPY`);

/** Runs solutions/app-protocols/FILE on client. */
const runSolution = async (file: string) => python(await solutionFile("app-protocols", file));

/** postfix hands a message on to dovecot after it took it: waits until its queue is empty. */
async function waitForDelivery() {
  const delivered = await sh(
    engine,
    lab,
    "mail",
    "for i in $(seq 100); do postqueue -p | grep -q 'queue is empty' && exit 0; sleep 0.1; done; exit 1",
  );
  expect(delivered.exitCode).toBe(0);
}

beforeAll(async () => {
  engine = await testEngine();
  await upLab(engine, await libraryTopology("app-protocols"), { lab, owner: "erin" });
});

afterAll(async () => {
  if (engine) await downLab(engine, lab); // undefined when the images could not be built
});

describe("the app-protocols lab", () => {
  it("resolves example.com's servers and mail exchanger through the lab's DNS", async () => {
    const names = await sh(
      engine,
      lab,
      "client",
      "dig +short MX example.com; for n in www ftp mail; do dig +short $n.example.com; done; getent hosts web ftp mail | cut -d' ' -f1",
    );
    const [mx, ...addresses] = names.stdout.trim().split("\n");
    expect(mx).toBe("10 mail.example.com.");
    expect(addresses.slice(0, 3)).toEqual(addresses.slice(3));
  });

  it("serves the API with tokens and pages, and the feed without one", async () => {
    const result = await sh(
      engine,
      lab,
      "client",
      `curl -s -o /dev/null -w '%{http_code}\\n' http://www.example.com/api/items
curl -s -o /dev/null -w '%{http_code}\\n' -d username=alice -d password=wrong http://www.example.com/api/token
token=$(curl -fsS -H 'Content-Type: application/json' -d '{"username": "bob", "password": "bob-pw"}' http://www.example.com/api/token | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
curl -sS -H "Authorization: Bearer $token" 'http://www.example.com/api/items?page=3&per_page=25'
curl -fsS -H "Authorization: Bearer $token" 'http://www.example.com/api/items?page=3&per_page=20'
curl -fsS http://www.example.com/api/feed | grep -c '<entry>'`,
    );
    const [unauthorized, refused, tooMany, last, entries] = result.stdout.trim().split("\n");
    expect([unauthorized, refused]).toEqual(["401", "401"]);
    expect(JSON.parse(tooMany as string).error).toMatch(/per_page/);
    const page = JSON.parse(last as string);
    expect(page.total).toBe(ITEM_COUNT);
    expect(page.items.map((i: { id: number }) => i.id)).toEqual(
      Array.from({ length: ITEM_COUNT - 40 }, (_, i) => 41 + i),
    );
    expect(page.next).toBeNull();
    expect(entries).toBe("10");
  });

  it("serves FTP to anonymous users read-only, and mail over SMTP, IMAP and POP3", async () => {
    const result = await python(`
import ftplib, imaplib, io, poplib, smtplib
with ftplib.FTP("ftp.example.com", "anonymous", "guest@") as ftp:
    print(ftp.nlst("pub"))
    try:
        ftp.storbinary("STOR pub/x.txt", io.BytesIO(b"x"))
    except ftplib.error_perm as refused:
        print("refused", str(refused)[:3])
with smtplib.SMTP("mail.example.com", 25) as smtp:
    print(smtp.ehlo()[0])
imap = imaplib.IMAP4("mail.example.com")
imap.login("alice@example.com", "alice-pw")
print(imap.select("INBOX", readonly=True)[1][0].decode())
pop = poplib.POP3("mail.example.com")
pop.user("alice@example.com")
pop.pass_("alice-pw")
print(pop.stat()[0])
pop.quit()
`);
    expect(result.stdout, result.stderr).toBe("['pub/welcome.txt']\nrefused 550\n250\n3\n3\n");
  });

  it("fails every check on a fresh lab, even with a report sent as alice without her login", async () => {
    const forged = await python(`
import smtplib
with smtplib.SMTP("mail.example.com", 25) as smtp:
    smtp.sendmail("alice@example.com", ["bob@example.com"],
        "From: alice@example.com\\r\\nSubject: Lab report\\r\\n\\r\\nforged\\r\\n")
`);
    expect(forged.exitCode, forged.stderr).toBe(0);
    await waitForDelivery();
    await expectChecks(engine, lab, CHECKS, false);
  });

  it("fools no probe check with ftp's and mail's tools replaced and the upload written as root", async () => {
    await bash("ftp", FAKES.ftp);
    await bash("mail", FAKES.mail);
    // The fakes work inside the nodes: what the checks once ran there now says "done".
    expect(await bash("ftp", "stat -c %U /home/alice/hello.txt; sh -c 'exit 1' && echo ok")).toBe(
      "alice\nok\n",
    );
    expect(await bash("mail", "doveadm search -u alice@example.com mailbox INBOX UNSEEN")).toBe("");
    const results = await runChecks(engine, lab);
    for (const id of PROBE_CHECKS) {
      expect(
        results.find((r) => r.id === id),
        id,
      ).toMatchObject({ vantage: "probe", passed: false });
    }
    // Gone again, so that alice's own upload can take its place.
    await bash("ftp", "rm /home/alice/hello.txt");
  });

  it("passes every check after the reference solution, ftp's and mail's tools still faked", async () => {
    const api = await runSolution("api_pages.py");
    expect(api.stdout, api.stderr).toBe(`${ITEM_COUNT} items\n`);
    const mail = await runSolution("files_and_mail.py");
    expect(mail.stdout, mail.stderr).toBe(`${SEEDED_SUBJECTS.join("\n")}\n`);
    await waitForDelivery();
    await expectChecks(engine, lab, CHECKS, true);
  });
});
