// The mail role on the real engine: three mail domains, each with its mail node, a lab DNS whose
// MX records lead mail from one to the other, and a lab CA whose certificates clients verify.
// Everything is driven from a client node with Python's smtplib, imaplib and poplib.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downLab, upLab } from "../../../orchestrator/src/labs/lifecycle.ts";
import type { LabPlan } from "../../../orchestrator/src/plan/types.ts";
import type { MailConfig } from "../../../orchestrator/src/roles/mail/schema.ts";
import type { Engine } from "../../../orchestrator/src/runtime/engine.ts";
import type { Topology } from "../../../orchestrator/src/topology/model.ts";
import { fixture, sh, testEngine, uniqueLabId } from "../engine.ts";

let engine: Engine;
let plan: LabPlan;
let passwords: Record<string, string>;
const lab = uniqueLabId("it-mail");

beforeAll(async () => {
  engine = await testEngine();
  const topology = await fixture("mail-lab.yaml");
  passwords = usersOf(topology);
  plan = (await upLab(engine, topology, { lab, owner: "erin" })).plan;
  // A CA of the client's own, which signed none of the lab's certificates.
  await run(
    "client",
    "openssl req -x509 -newkey rsa:2048 -nodes -keyout /tmp/other-ca.key -out /tmp/other-ca.pem -subj /CN=other -days 1 2>/dev/null",
  );
});

afterAll(async () => {
  await downLab(engine, lab);
});

/** Every mail user of the topology with their password. */
function usersOf(topology: Topology): Record<string, string> {
  return Object.assign(
    {},
    ...topology.nodes.filter((n) => n.role === "mail").map((n) => (n.config as MailConfig).users),
  );
}

function addressOf(node: string): string {
  return plan.nodes.find((n) => n.name === node)?.endpoints[0]?.address as string;
}

async function run(node: string, script: string): Promise<string> {
  const result = await sh(engine, lab, node, script);
  if (result.exitCode !== 0) {
    throw new Error(`'${script}' on ${node} exited ${result.exitCode}: ${result.stderr}`);
  }
  return result.stdout;
}

/**
 * Helpers every program gets, with the users' passwords. `verified` is the client's default TLS context: the system trust
 * store, which holds the lab CA's root, and host names checked. `refusal` runs a step that must
 * fail and says how it failed. `mailbox` waits until a message with the subject is in a mailbox
 * (delivery goes on in the background), then gives its text.
 */
function prelude(): string {
  return `
import imaplib, json, poplib, smtplib, ssl, time
from email.message import EmailMessage
verified = ssl.create_default_context()
passwords = json.loads(${JSON.stringify(JSON.stringify(passwords))})

def message(sender, to, subject):
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = sender, to, subject
    m.set_content("sent by the mail role's test\\n")
    return m

def refusal(step):
    try:
        step()
    except Exception as error:
        return {"type": type(error).__name__, "text": str(error)}
    return None

def login_imap(host, user, tls):
    if tls == "implicit":
        imap = imaplib.IMAP4_SSL(host, 993, ssl_context=verified, timeout=10)
    else:
        imap = imaplib.IMAP4(host, 143, timeout=10)
        if tls == "starttls":
            imap.starttls(verified)
    imap.login(user, passwords[user])
    return imap

def mailbox(host, user, subject, tls="implicit"):
    deadline = time.monotonic() + 60
    while True:
        imap = login_imap(host, user, tls)
        imap.select("INBOX", readonly=True)
        found = imap.search(None, "SUBJECT", json.dumps(subject))[1][0].split()
        if found:
            text = imap.fetch(found[-1], "(RFC822)")[1][0][1].decode()
            imap.logout()
            return text
        imap.logout()
        if time.monotonic() > deadline:
            raise TimeoutError(f"no message '{subject}' for {user} on {host}")
        time.sleep(0.5)
`;
}

/** Runs a Python program on the client (after the prelude) and returns what it printed as JSON. */
async function python(program: string): Promise<Record<string, unknown>> {
  const result = await sh(engine, lab, "client", `python3 - <<'PY'\n${prelude()}\n${program}\nPY`);
  if (result.exitCode !== 0) throw new Error(`python failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

describe("mail between domains, through their MX records", () => {
  it("takes alice's mail on submission (STARTTLS, login), and mail2 gets it for bob by MX", async () => {
    const out = await python(`
s = smtplib.SMTP("mail.example.com", 587, timeout=10)
s.starttls(context=verified)
s.login("alice@example.com", passwords["alice@example.com"])
refused = s.send_message(message("alice@example.com", "bob@example.org", "to bob by MX"))
s.quit()
print(json.dumps({"refused": refused, "text": mailbox("mx.example.org", "bob@example.org", "to bob by MX")}))
`);
    expect(out.refused).toEqual({});
    const text = out.text as string;
    expect(text).toContain("sent by the mail role's test");
    // mail2 took it from mail1 over TLS; mail1 from the client, after a login.
    expect(text).toMatch(/by mx\.example\.org \(Postfix\) with ESMTPS/);
    expect(text).toMatch(/by mail\.example\.com \(Postfix\) with ESMTPSA/);
    // mail1 found mail2 through example.org's MX record (mx.example.org is in no /etc/hosts),
    // and trusted its certificate: the lab CA is in mail1's trust store too.
    const log = await run("mail1", "cat /var/log/mail.log");
    expect(log).toContain(`to=<bob@example.org>, relay=mx.example.org[${addressOf("mail2")}]:25`);
    expect(log).toContain("Trusted TLS connection established to mx.example.org");
    expect(await run("mail1", "grep -c mx.example.org /etc/hosts || true")).toBe("0\n");
  });

  it("lets bob read it over POP3 with implicit TLS (995) and with STARTTLS (110)", async () => {
    const out = await python(`
mailbox("mx.example.org", "bob@example.org", "to bob by MX")
found = {}
for name in ["pop3s", "pop3"]:
    if name == "pop3s":
        pop = poplib.POP3_SSL("mx.example.org", 995, context=verified, timeout=10)
    else:
        pop = poplib.POP3("mx.example.org", 110, timeout=10)
        pop.stls(verified)
    pop.user("bob@example.org")
    pop.pass_(passwords["bob@example.org"])
    count = pop.stat()[0]
    found[name] = [b"\\n".join(pop.retr(i + 1)[1]).decode() for i in range(count)]
    pop.quit()
print(json.dumps(found))
`);
    for (const name of ["pop3s", "pop3"]) {
      const subjects = (out[name] as string[]).map((text) => /^Subject: (.*)$/m.exec(text)?.[1]);
      expect(subjects).toContain("to bob by MX");
    }
  });

  it("keeps bob's mail his: carol, on the same node, does not see it", async () => {
    const out = await python(`
mailbox("mx.example.org", "bob@example.org", "to bob by MX")
imap = login_imap("mx.example.org", "carol@example.org", "implicit")
imap.select("INBOX", readonly=True)
print(json.dumps({"carol": imap.search(None, "ALL")[1][0].decode()}))
`);
    expect(out.carol).toBe("");
  });

  it("takes mail for alice on port 25 from anyone, without a login", async () => {
    const out = await python(`
s = smtplib.SMTP("mail.example.com", 25, timeout=10)
refused = s.send_message(message("someone@example.org", "alice@example.com", "to alice on 25"))
s.quit()
text = mailbox("mail.example.com", "alice@example.com", "to alice on 25", tls="starttls")
print(json.dumps({"refused": refused, "text": text}))
`);
    expect(out.refused).toEqual({});
    expect(out.text).toContain("sent by the mail role's test");
  });

  it("sends from a node without TLS in clear, still by MX", async () => {
    const out = await python(`
s = smtplib.SMTP("smtp.example.net", 587, timeout=10)
s.login("dave@example.net", passwords["dave@example.net"])
refused = s.send_message(message("dave@example.net", "alice@example.com", "from dave in clear"))
s.quit()
imap = imaplib.IMAP4("smtp.example.net", 143, timeout=10)
dave = imap.login("dave@example.net", passwords["dave@example.net"])[0]
print(json.dumps({
    "refused": refused,
    "dave": dave,
    "text": mailbox("mail.example.com", "alice@example.com", "from dave in clear"),
    "no imaps": refusal(lambda: imaplib.IMAP4_SSL("smtp.example.net", 993, ssl_context=verified, timeout=10)),
}))
`);
    expect(out.refused).toEqual({});
    expect(out.dave).toBe("OK");
    expect(out.text).toMatch(/by mail\.example\.com \(Postfix\) with ESMTP\b/);
    expect(out["no imaps"]).toEqual({
      type: "ConnectionRefusedError",
      text: "[Errno 111] Connection refused",
    });
    const log = await run("mail3", "cat /var/log/mail.log");
    expect(log).toContain(`relay=mail.example.com[${addressOf("mail1")}]:25`);
  });
});

describe("what the mail nodes refuse", () => {
  it("refuses a wrong password on submission, IMAP and POP3", async () => {
    // dovecot answers each failure late, and later after each one from the same address (up to
    // 15 s): the generous timeouts wait for its answer.
    const out = await python(`
def smtp_login():
    s = smtplib.SMTP("mail.example.com", 587, timeout=60)
    s.starttls(context=verified)
    s.login("alice@example.com", "not " + passwords["alice@example.com"])
def imap_login():
    imaplib.IMAP4_SSL("mail.example.com", 993, ssl_context=verified, timeout=60).login("alice@example.com", "wrong")
def pop_login():
    pop = poplib.POP3_SSL("mail.example.com", 995, context=verified, timeout=60)
    pop.user("alice@example.com")
    pop.pass_("wrong")
print(json.dumps({"smtp": refusal(smtp_login), "imap": refusal(imap_login), "pop": refusal(pop_login)}))
`);
    expect(out.smtp).toMatchObject({ type: "SMTPAuthenticationError" });
    expect((out.smtp as { text: string }).text).toContain("535");
    expect(out.imap).toMatchObject({
      type: "error",
      text: "b'[AUTHENTICATIONFAILED] Authentication failed.'",
    });
    expect(out.pop).toMatchObject({
      type: "error_proto",
      text: "b'-ERR [AUTH] Authentication failed.'",
    });
  });

  it("relays nothing for a client that did not log in, and takes nothing on submission without one", async () => {
    const out = await python(`
def send(port, to, starttls):
    def step():
        s = smtplib.SMTP("mail.example.com", port, timeout=10)
        if starttls:
            s.starttls(context=verified)
        s.send_message(message("alice@example.com", to, "not sent"))
    return refusal(step)
print(json.dumps({
    "submission, to another domain": send(587, "bob@example.org", True),
    "submission, to its own": send(587, "alice@example.com", True),
    "submission, before STARTTLS": send(587, "alice@example.com", False),
    "port 25, to another domain": send(25, "bob@example.org", False),
    "port 25, to no user": send(25, "nobody@example.com", False),
}))
`);
    expect(out).toEqual({
      "submission, to another domain": {
        type: "SMTPRecipientsRefused",
        text: "{'bob@example.org': (554, b'5.7.1 <bob@example.org>: Relay access denied')}",
      },
      "submission, to its own": {
        type: "SMTPRecipientsRefused",
        text: "{'alice@example.com': (554, b'5.7.1 <alice@example.com>: Recipient address rejected: Access denied')}",
      },
      "submission, before STARTTLS": {
        type: "SMTPSenderRefused",
        text: "(530, b'5.7.0 Must issue a STARTTLS command first', 'alice@example.com')",
      },
      "port 25, to another domain": {
        type: "SMTPRecipientsRefused",
        text: "{'bob@example.org': (554, b'5.7.1 <bob@example.org>: Relay access denied')}",
      },
      "port 25, to no user": {
        type: "SMTPRecipientsRefused",
        text: "{'nobody@example.com': (550, b'5.1.1 <nobody@example.com>: Recipient address rejected: User unknown in virtual mailbox table')}",
      },
    });
  });

  it("takes no password before TLS on a node with TLS", async () => {
    const out = await python(`
def smtp_login():
    s = smtplib.SMTP("mail.example.com", 587, timeout=10)
    s.login("alice@example.com", passwords["alice@example.com"])
def imap_login():
    login_imap("mail.example.com", "alice@example.com", None)
def pop_login():
    pop = poplib.POP3("mail.example.com", 110, timeout=10)
    pop.user("alice@example.com")
    pop.pass_(passwords["alice@example.com"])
print(json.dumps({"smtp": refusal(smtp_login), "imap": refusal(imap_login), "pop": refusal(pop_login)}))
`);
    expect(out.smtp).toEqual({
      type: "SMTPNotSupportedError",
      text: "SMTP AUTH extension not supported by server.",
    });
    expect(out.imap).toEqual({
      type: "error",
      text: "b'[PRIVACYREQUIRED] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.'",
    });
    expect(out.pop).toEqual({
      type: "error_proto",
      text: "b'-ERR [AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.'",
    });
  });
});

describe("the mail nodes' certificates", () => {
  it("are for the node's name, its mail hosts and its address, from the lab CA alone", async () => {
    const out = await python(`
lab_only = ssl.create_default_context(cafile="/etc/socketlab/ca.pem")
other_ca = ssl.create_default_context(cafile="/tmp/other-ca.pem")
def imaps(name, context):
    return lambda: imaplib.IMAP4_SSL(name, 993, ssl_context=context, timeout=10).logout()
print(json.dumps({
    "lab CA, by mail host": refusal(imaps("mx.example.org", lab_only)),
    "lab CA, by node name": refusal(imaps("mail2", lab_only)),
    "another CA": refusal(imaps("mx.example.org", other_ca)),
}))
`);
    expect(out["lab CA, by mail host"]).toBeNull();
    expect(out["lab CA, by node name"]).toBeNull();
    expect(out["another CA"]).toMatchObject({ type: "SSLCertVerificationError" });
    expect((out["another CA"] as { text: string }).text).toContain(
      "unable to get local issuer certificate",
    );
    const names = await run(
      "client",
      "echo | openssl s_client -connect mail2:995 -servername mx.example.org 2>/dev/null | openssl x509 -noout -issuer -ext subjectAltName",
    );
    expect(names).toContain(`issuer=CN = ${lab} lab CA`);
    expect(names).toContain(`DNS:mail2, DNS:mx.example.org, IP Address:${addressOf("mail2")}`);
  });

  it("verify in swaks against the system store, and not against another CA", async () => {
    const swaks = (extra: string) =>
      sh(
        engine,
        lab,
        "client",
        `swaks --server mail.example.com:587 --tls --tls-verify ${extra} --quit-after TLS 2>&1`,
      );
    const trusted = await swaks("");
    expect(trusted.exitCode).toBe(0);
    expect(trusted.stdout).toContain("TLS started");
    const refused = await swaks("--tls-ca-path /tmp/other-ca.pem");
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stdout).toContain("certificate verify failed");
  });

  it("do not pass for a name that is not theirs", async () => {
    const out = await python(`
import socket
def wrong_name():
    raw = socket.create_connection(("mx.example.org", 993), timeout=10)
    verified.wrap_socket(raw, server_hostname="mail.example.com")
print(json.dumps({"wrong name": refusal(wrong_name)}))
`);
    expect(out["wrong name"]).toMatchObject({ type: "SSLCertVerificationError" });
    expect((out["wrong name"] as { text: string }).text).toContain("Hostname mismatch");
  });
});
