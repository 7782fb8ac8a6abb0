// The topology library in the browser, on the real service: an instructor uploads a topology
// folder as a .tar.gz; its problems are shown at their file, line and column and nothing is
// saved; once right it is added, read in the page, and retired.
import { readdir } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tarArchive } from "../../orchestrator/tests/support/archives.ts";
import { type E2e, screenshot, signIn, startE2e, stopE2e } from "./browser.ts";

let e2e: E2e;

beforeAll(async () => {
  e2e = await startE2e();
}, 300_000);

afterAll(async () => {
  if (e2e) await stopE2e(e2e);
});

const yaml = (name: string, subnet: string) => `name: ${name}
networks:
  lan:
    subnet: ${subnet}
nodes:
  client:
    networks: { lan: .10 }
    files:
      - { path: /srv/hello.py, source: src/hello.py }
`;

describe("the topology library in the browser", () => {
  it("uploads an archive, showing its problems first, then reads and retires the entry", async () => {
    const name = `up-${e2e.topology.slice(-4)}`;
    const { page } = await signIn(e2e, e2e.instructor);
    await page.getByRole("link", { name: "Library" }).click();
    await page.getByRole("heading", { name: "Topology library" }).waitFor();
    const choose = (archive: Buffer) =>
      page.getByLabel("Topology folder (.tar.gz, .tgz, .tar or .zip)").setInputFiles({
        name: `${name}.tar.gz`,
        mimeType: "application/gzip",
        buffer: archive,
      });

    await choose(
      await tarArchive([{ name: `${name}/topology.yaml`, content: yaml(name, "10.10.0.0/33") }]),
    );
    await page.getByRole("button", { name: "Upload" }).click();
    const alert = page.getByRole("alert");
    await expect
      .poll(() => alert.textContent(), { timeout: 30_000 })
      .toContain("topology.yaml:4:13");
    expect(await alert.textContent()).toContain("source 'src/hello.py' is not in the archive");
    await screenshot(page, "library-upload-problems");
    expect((await readdir(e2e.libraryDir)).filter((n) => n.startsWith("up-"))).toEqual([]);

    await choose(
      await tarArchive([
        { name: `${name}/topology.yaml`, content: yaml(name, "10.10.0.0/24") },
        { name: `${name}/src/hello.py`, content: "print('hello')\n" },
        { name: `${name}/README.md`, content: "# Upload\n\nSay hello.\n" },
      ]),
    );
    await page.getByRole("button", { name: "Upload" }).click();
    const item = page.locator(`li[data-topology="${name}"]`);
    await item.waitFor({ timeout: 30_000 });
    await item.getByRole("button", { name: "View" }).click();
    await item.getByText("src/hello.py", { exact: true }).waitFor();
    await item.getByText("Say hello.").waitFor();
    await screenshot(page, "library-entry");

    await item.getByRole("button", { name: "Retire" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Retire" }).click();
    await item.waitFor({ state: "detached", timeout: 30_000 });
    expect(await readdir(`${e2e.libraryDir}/.retired`)).toEqual([
      expect.stringMatching(`^${name}-`),
    ]);
  });
});
