// topologies/app-protocols: the lab's DNS, web API, FTP and mail servers answer real clients
// (curl, ftplib, smtplib, poplib), and every check fails on a fresh lab and passes once the
// reference solution (solutions/app-protocols/*.py, never in the handout) ran on `client`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downLab, upLab } from "../../../orchestrator/src/labs/lifecycle.ts";
import type { Engine } from "../../../orchestrator/src/runtime/engine.ts";
import { sh, testEngine, uniqueLabId } from "../engine.ts";
import { expectChecks, libraryTopology, solutionFile } from "./solutions.ts";

let engine: Engine;
const lab = uniqueLabId("it-labsa-app-protocols");
const CHECKS = ["api-pages", "feed-titles", "ftp-upload", "ftp-download", "smtp-sent", "imap-read"];
/** api.py's ITEM_COUNT, and the subjects the mail node puts in alice's INBOX (topology.yaml). */
const ITEM_COUNT = 57;
const SEEDED_SUBJECTS = ["Welcome to the lab", "Reading mail with imaplib", "Office hours moved"];

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

  it("passes every check after the reference solution", async () => {
    const api = await runSolution("api_pages.py");
    expect(api.stdout, api.stderr).toBe(`${ITEM_COUNT} items\n`);
    const mail = await runSolution("files_and_mail.py");
    expect(mail.stdout, mail.stderr).toBe(`${SEEDED_SUBJECTS.join("\n")}\n`);
    await waitForDelivery();
    await expectChecks(engine, lab, CHECKS, true);
  });
});
