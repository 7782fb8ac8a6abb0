// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${{ values.NAME }}` is the topologies' own reference syntax
// Each lab's values: random over their alphabet, kept across plans of the same lab, and put in
// place in env, files (text only), start commands, roles' config and checks.
import { describe, expect, it } from "vitest";
import { planLab } from "../../src/plan/plan.ts";
import { labValues, withValues } from "../../src/plan/values.ts";
import type { ValueDef } from "../../src/topology/model.ts";
import { network, node, request, topology } from "./helpers.ts";

/** Bytes 0, 1, 2, ... : every draw is predictable. */
function counting(): (count: number) => Uint8Array {
  let next = 0;
  return (count) => Uint8Array.from({ length: count }, () => next++ % 256);
}

const defs: ValueDef[] = [
  { name: "flag", length: 8, alphabet: "alnum" },
  { name: "pin", length: 4, alphabet: "digits" },
  { name: "key", length: 6, alphabet: "hex" },
];

describe("labValues", () => {
  it("draws each value from its alphabet, at its length", () => {
    const values = labValues(defs, {}, counting());
    expect(values.flag).toBe("ABCDEFGH");
    expect(values.pin).toBe("8901");
    expect(values.key).toMatch(/^[0-9a-f]{6}$/);
  });

  it("redraws the bytes that would favour the alphabet's first letters", () => {
    // 62 letters: 248..255 would make A..H likelier, so they are skipped.
    const bytes = [248, 255, 0, 61, 247];
    const values = labValues([{ name: "v", length: 3, alphabet: "alnum" }], {}, (count) =>
      Uint8Array.from(bytes.splice(0, count)),
    );
    // 0 -> A, 61 -> 9, 247 % 62 = 61 -> 9.
    expect(values.v).toBe("A99");
  });

  it("keeps a lab's existing values, drops undeclared ones, redraws ones that no longer fit", () => {
    const values = labValues(
      defs,
      { flag: "Kept1234", pin: "12345", gone: "x", key: "abcdef" },
      counting(),
    );
    expect(values).toEqual({
      flag: "Kept1234",
      pin: expect.stringMatching(/^[0-9]{4}$/),
      key: "abcdef",
    });
  });

  it("gives two labs different values with real randomness", async () => {
    const { randomBytes } = await import("node:crypto");
    expect(labValues(defs, {}, randomBytes)).not.toEqual(labValues(defs, {}, randomBytes));
  });
});

describe("withValues and the plan", () => {
  const text = (s: string) => Buffer.from(s, "utf8").toString("base64");
  const topo = {
    ...topology(
      [network("lan", "10.0.0.0/24")],
      [
        node(
          "a",
          { lan: 2 },
          {
            env: { FLAG: "flag{${{ values.flag }}}" },
            files: [
              { path: "/root/flag", contentBase64: text("${{ values.flag }}\n"), mode: 0o600 },
              {
                path: "/root/blob",
                contentBase64: Buffer.from([0xff, 0x24, 0x7b, 0x7b]).toString("base64"),
                mode: 0o644,
              },
            ],
            start: ["echo ${{ values.pin }} >/root/pin"],
            config: { users: [{ name: "alice", password: "pw-${{ values.key }}" }], port: 21 },
          },
        ),
      ],
      [
        {
          id: "c",
          task: "t",
          vantage: "probe",
          networks: ["lan"],
          command: "test ${{ values.flag }}",
          timeoutSeconds: 10,
        },
      ],
    ),
    values: defs,
  };
  const values = { flag: "F1a9F1a9", pin: "0042", key: "00ff00" };

  it("puts each value in env, text files, start commands, config and checks", () => {
    const put = withValues(topo, values);
    const a = put.nodes[0];
    expect(a?.env.FLAG).toBe("flag{F1a9F1a9}");
    expect(Buffer.from(a?.files[0]?.contentBase64 ?? "", "base64").toString()).toBe("F1a9F1a9\n");
    expect(a?.files[1]).toEqual(topo.nodes[0]?.files[1]);
    expect(a?.start).toEqual(["echo 0042 >/root/pin"]);
    expect(a?.config).toEqual({ users: [{ name: "alice", password: "pw-00ff00" }], port: 21 });
    expect(put.checks[0]?.command).toBe("test F1a9F1a9");
  });

  it("keeps the values in the plan, and refuses to plan a lab without them", () => {
    const planned = planLab(topo, request({ values }));
    if (!planned.ok) throw new Error(planned.error);
    expect(planned.plan.values).toEqual(values);
    expect(planned.plan.checks?.[0]?.command).toBe("test F1a9F1a9");
    expect(planned.plan.nodes[0]?.env).toContain("FLAG=flag{F1a9F1a9}");
    expect(planLab(topo, request({ values: { flag: "x" } }))).toEqual({
      ok: false,
      error: "no value for pin, key",
    });
  });

  it("leaves a topology without values as it is, and its plan without any", () => {
    const plain = topology([network("lan", "10.0.0.0/24")], [node("a", { lan: 2 })]);
    expect(withValues(plain, {})).toBe(plain);
    const planned = planLab(plain, request());
    expect(planned.ok && planned.plan.values).toBeUndefined();
  });
});
