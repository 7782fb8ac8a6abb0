import { describe, expect, it } from "vitest";
import { labHandout } from "../../src/handout/handout.ts";
import { handoutTasks } from "../../src/handout/tasks.ts";
import { parseCidrLoose } from "../../src/net/ipv4.ts";
import type { Cidr } from "../../src/topology/model.ts";

const HANDOUT = [
  "# A lab",
  "",
  "Networks: lan (10.9.0.0/24).",
  "",
  "## Tasks",
  "",
  "1. **Look.** From [user](node:user), `dig www.example.com`.",
  "2. **Race.** Send forged replies.",
  "   - [delegation](check:delegation): the cache holds a delegation",
  "   - [fooled](check:user-fooled) and [delegation](check:delegation) again",
  "   ```",
  "   3. not a task [x](check:in-code)",
  "   ```",
  "3. Turn a defence back on in `/etc/bind/named.conf` and run the attack again, to see what stops it and what the log says",
  "",
  "[Check my work](check:)",
  "",
  "## Hints",
  "",
  "1. **Not a task.** [h](check:hint)",
].join("\n");

describe("handoutTasks", () => {
  it("lists the numbered tasks of the Tasks section with the checks each links to", () => {
    expect(handoutTasks(HANDOUT)).toEqual([
      { number: 1, title: "Look", checks: [] },
      { number: 2, title: "Race", checks: ["delegation", "user-fooled"] },
      {
        number: 3,
        title: "Turn a defence back on in /etc/bind/named.conf and run the attack again, to see…",
        checks: [],
      },
    ]);
  });

  it("has no tasks without a Tasks section", () => {
    expect(handoutTasks("# Lab\n\n1. **One.**\n")).toEqual([]);
  });

  it("runs the last section to the end of the text", () => {
    expect(handoutTasks("## Tasks\n\n1) **Go** [c](check:c)")).toEqual([
      { number: 1, title: "Go", checks: ["c"] },
    ]);
  });
});

describe("labHandout", () => {
  const networks = [{ name: "lan", subnet: parseCidrLoose("10.9.0.0/24") as Cidr }];

  it("puts the lab's addresses in, with the table after the title", () => {
    const handout = labHandout(HANDOUT, networks, [{ name: "lan", subnet: "10.200.7.0/24" }]);
    expect(handout.networks).toEqual([
      { network: "lan", handoutSubnet: "10.9.0.0/24", labSubnet: "10.200.7.0/24" },
    ]);
    expect(handout.markdown?.split("\n").slice(0, 9)).toEqual([
      "# A lab",
      "",
      "| network | handout subnet | your subnet |",
      "| --- | --- | --- |",
      "| lan | 10.9.0.0/24 | 10.200.7.0/24 |",
      "",
      "The addresses below are already your lab's own.",
      "",
      "Networks: lan (10.200.7.0/24).",
    ]);
    expect(handout.tasks.map((t) => t.number)).toEqual([1, 2, 3]);
  });

  it("puts the table first when the handout has no title", () => {
    const handout = labHandout("at 10.9.0.5", networks, [{ name: "lan", subnet: "10.200.7.0/24" }]);
    expect(handout.markdown?.endsWith("\n\nat 10.200.7.5")).toBe(true);
    expect(handout.markdown?.startsWith("| network |")).toBe(true);
  });

  it("keeps a handout as written when no subnet maps", () => {
    expect(labHandout(HANDOUT, networks, []).markdown).toBe(HANDOUT);
  });

  it("says there is no handout", () => {
    expect(labHandout(null, networks, [{ name: "lan", subnet: "10.200.7.0/24" }])).toEqual({
      markdown: null,
      networks: [{ network: "lan", handoutSubnet: "10.9.0.0/24", labSubnet: "10.200.7.0/24" }],
      tasks: [],
    });
  });
});
