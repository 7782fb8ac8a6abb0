import { describe, expect, it } from "vitest";
import { configureOwn, fileText, loadNode, withNodeConfig } from "../support/roles.ts";
import { problems } from "../topology/helpers.ts";

/** A lab with one victim node whose config starts on line 9. */
function withConfig(lines: string[]): string {
  return withNodeConfig({ name: "bob", role: "victim", host: ".10" }, lines);
}

describe("victim config in the topology", () => {
  it("reports each bad field at its place", async () => {
    expect(await problems(withConfig(["visit: []", "every: 1"]))).toEqual([
      "lab.yaml:9:7: nodes.bob.config.visit: give at least one page to visit",
      "lab.yaml:10:14: nodes.bob.config.every: must be at least 2",
    ]);
    expect(await problems(withConfig(["visit: [web/app]"]))).toEqual([
      "lab.yaml:9:15: nodes.bob.config.visit[0]: an http:// or https:// URL, like http://web/app/",
    ]);
  });
});

describe("the victim node's start", () => {
  it("runs the browsing loop on the config written for it, every 10 s by default", async () => {
    const node = await loadNode(
      withConfig([
        "login: { url: http://web/app/login, fields: { user: bob, password: pw } }",
        "visit: [http://web/app/, http://attacker/]",
      ]),
      "bob",
    );
    const contribution = configureOwn(node);
    expect(JSON.parse(fileText(contribution, "/etc/socketlab/victim.json") ?? "")).toEqual({
      login: { url: "http://web/app/login", fields: { user: "bob", password: "pw" } },
      visit: ["http://web/app/", "http://attacker/"],
      every: 10,
    });
    expect(contribution.start).toEqual([
      "socketlab-victim /etc/socketlab/victim.json >>/var/log/victim.log 2>&1 &",
    ]);
  });
});
