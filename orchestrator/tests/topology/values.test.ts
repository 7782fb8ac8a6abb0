// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${{ values.NAME }}` is the topologies' own reference syntax
// `values:`: random text per lab instance, referred to as ${{ values.NAME }} in env, files,
// start, roles' config and checks; every reference elsewhere, to an unknown value or malformed, is reported at
// the text that holds it.
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../src/topology/load.ts";
import { substituteValues, valueReferences } from "../../src/topology/values.ts";
import { load, problems, yaml } from "./helpers.ts";

/** `%{{` for `${{`, which a template literal would read as its own. */
const refs = (text: string) => text.replaceAll("%{{", "${{");

describe("values", () => {
  it("loads each declared value with its defaults, in the order written", async () => {
    const result = await load(
      refs(yaml`
      name: lab
      values:
        flag: ~
        pin: { length: 6, alphabet: digits }
        token: { alphabet: hex }
      networks:
        lan: { subnet: 10.0.0.0/24 }
      nodes:
        a:
          networks: { lan: .2 }
          env: { FLAG: "flag{%{{ values.flag }}}" }
          files:
            - { path: /root/pin, content: "%{{values.pin}}\\n" }
            - { path: /srv/app.py, source: app.py }
          start: ["echo %{{ values.token }} > /root/token"]
        ftp:
          role: ftp
          networks: { lan: .21 }
          config: { users: [{ name: alice, password: "%{{ values.token }}" }] }
      checks:
        - { id: c, task: t, node: a, command: "grep -q %{{ values.pin }} /root/pin" }
    `),
      { "app.py": "SECRET = '${{ values.token }}'\n" },
    );
    if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join("\n"));
    expect(result.topology.values).toEqual([
      { name: "flag", length: 16, alphabet: "alnum" },
      { name: "pin", length: 6, alphabet: "digits" },
      { name: "token", length: 16, alphabet: "hex" },
    ]);
  });

  it("reports unknown, malformed and misplaced references at their text", async () => {
    expect(
      await problems(
        refs(yaml`
          name: lab
          values:
            flag: { length: 3 }
            pin: { alphabet: emoji }
          networks:
            lan: { subnet: 10.0.0.0/24 }
          nodes:
            a:
              networks: { lan: .2 }
              env: { FLAG: "%{{ values.flga }}" }
              files:
                - { path: /root/x, content: "%{{ flag }}" }
                - { path: /srv/app.py, source: app.py }
              ready: { command: "test %{{ values.flag }}" }
              user: "%{{ values.flag }}"
            ftp:
              role: ftp
              networks: { lan: .21 }
              config: { users: [{ name: alice, password: "%{{ values.pw }}" }] }
          checks:
            - { id: c, task: "%{{ values.flag }}", node: a, command: "true" }
        `),
        { "app.py": "X = '${{ values.nope }}'\n" },
      ),
    ).toEqual([
      "lab.yaml:3:19: values.flag.length: must be at least 4",
      "lab.yaml:4:20: values.pin.alphabet: alphabet is alnum (the default), hex or digits",
      "lab.yaml:10:18: nodes.a.env.FLAG: unknown value 'flga' (values: flag, pin)",
      "lab.yaml:12:35: nodes.a.files[0].content: '${{ flag }}' is not a value reference: write ${{ values.NAME }}",
      "lab.yaml:13:38: nodes.a.files[1].source: in app.py: unknown value 'nope' (values: flag, pin)",
      "lab.yaml:14:23: nodes.a.ready.command: a per-lab value is only put in env, files, start, config and checks' commands",
      "lab.yaml:15:11: nodes.a.user: a user name holds a-z, 0-9, '_' and '-' (32 at most), such as student or root",
      "lab.yaml:15:11: nodes.a.user: a per-lab value is only put in env, files, start, config and checks' commands",
      "lab.yaml:19:48: nodes.ftp.config.users[0].password: unknown value 'pw' (values: flag, pin)",
      "lab.yaml:21:20: checks[0].task: a per-lab value is only put in env, files, start, config and checks' commands",
    ]);
  });

  it("finds references with any spacing inside the braces, and nothing in plain shell", () => {
    expect(valueReferences("a ${{values.x}} b ${{  values.y-2  }} ${HOME} $((1+1))")).toEqual([
      "x",
      "y-2",
    ]);
    expect(() => valueReferences("${{ values.X }}")).toThrow("is not a value reference");
  });

  it("substitutes every reference, and refuses one without a value", () => {
    expect(
      substituteValues("${{ values.a }}:${{values.a}}:${{ values.b }}", { a: "1", b: "2" }),
    ).toBe("1:1:2");
    expect(substituteValues("no reference, ${x}", {})).toBe("no reference, ${x}");
    expect(() => substituteValues("${{ values.c }}", {})).toThrow("no value 'c'");
  });
});
