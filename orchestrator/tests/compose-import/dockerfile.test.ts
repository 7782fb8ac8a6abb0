import { describe, expect, it } from "vitest";
import {
  installedPackages,
  instructions,
  parseDockerfile,
  shellForm,
} from "../../src/compose-import/dockerfile.ts";

describe("Dockerfile instructions", () => {
  it("joins continued lines, skips comments and blank lines, and keeps each start line", () => {
    const text =
      '# a comment\nFROM x\n\nRUN apt-get update \\\n  # inside\n  && apt-get install -y a \\\n  b\nCMD ["sh"]';
    expect(instructions(text)).toEqual([
      { line: 2, text: "FROM x" },
      { line: 4, text: "RUN apt-get update && apt-get install -y a b" },
      { line: 8, text: 'CMD ["sh"]' },
    ]);
  });

  it("keeps an instruction left continued at the end of the file", () => {
    expect(instructions("RUN a \\\n")).toEqual([{ line: 1, text: "RUN a" }]);
  });

  it("reads Windows line ends", () => {
    expect(instructions("FROM x\r\nCOPY a /b\r\n")).toEqual([
      { line: 1, text: "FROM x" },
      { line: 2, text: "COPY a /b" },
    ]);
  });
});

describe("parseDockerfile", () => {
  it("reads SEED's bind9 build: its base, its COPY lines, its command", () => {
    const parsed = parseDockerfile(
      [
        "FROM handsonsecurity/seed-server:bind",
        "ARG DEBIAN_FRONTEND=noninteractive",
        "COPY named.conf named.conf.options /etc/bind/",
        "COPY zone_example.com /etc/bind/zones/db.example",
        "CMD service named start && tail -f /dev/null",
      ].join("\n"),
    );
    expect(parsed.from).toBe("handsonsecurity/seed-server:bind");
    expect(parsed.copies.map(({ sources, dest, line }) => ({ sources, dest, line }))).toEqual([
      { sources: ["named.conf", "named.conf.options"], dest: "/etc/bind/", line: 3 },
      { sources: ["zone_example.com"], dest: "/etc/bind/zones/db.example", line: 4 },
    ]);
    expect(parsed.cmd).toMatchObject({
      line: 5,
      command: "service named start && tail -f /dev/null",
    });
    expect(parsed.ignored.map((i) => i.text)).toEqual(["ARG DEBIAN_FRONTEND=noninteractive"]);
  });

  it("takes COPY and ADD in exec form and with --chown, and leaves other stages and URLs out", () => {
    const parsed = parseDockerfile(
      [
        'COPY ["a b.txt", "/srv/"]',
        "COPY --chown=bind:bind zone /etc/bind/zone",
        "ADD site.conf /etc/nginx/site.conf",
        "COPY --from=build /out /srv",
        "ADD https://example.com/x /x",
        "COPY onlyone",
      ].join("\n"),
    );
    expect(parsed.copies.map(({ sources, dest }) => ({ sources, dest }))).toEqual([
      { sources: ["a b.txt"], dest: "/srv/" },
      { sources: ["zone"], dest: "/etc/bind/zone" },
      { sources: ["site.conf"], dest: "/etc/nginx/site.conf" },
    ]);
    expect(parsed.ignored.map((i) => i.line)).toEqual([4, 5, 6]);
  });

  it("collects installed packages, RUN lines, ENV in both forms, and the last CMD or ENTRYPOINT", () => {
    const parsed = parseDockerfile(
      [
        "RUN apt-get update && apt-get install -y --no-install-recommends bind9 dnsutils",
        "RUN apt install -y apache2; echo done",
        "ENV A=1 B=\"two words\" C='x'",
        "ENV LEGACY some value",
        'CMD ["/bin/bash", "-c", "service apache2 start && tail -f /dev/null"]',
        'ENTRYPOINT ["/start.sh", "--flag"]',
      ].join("\n"),
    );
    expect(parsed.packages).toEqual(["bind9", "dnsutils", "apache2"]);
    expect(parsed.runs.map((r) => r.line)).toEqual([1, 2]);
    expect(parsed.env).toEqual({ A: "1", B: "two words", C: "x", LEGACY: "some value" });
    expect(parsed.cmd).toMatchObject({ line: 6, command: "/start.sh --flag" });
  });
});

describe("shellForm", () => {
  it("unwraps sh -c and bash -c and quotes exec words that need it", () => {
    expect(shellForm('["sh", "-c", "a && b"]')).toBe("a && b");
    expect(shellForm('["/bin/bash", "-c", "x"]')).toBe("x");
    expect(shellForm('["echo", "it\'s", "ok"]')).toBe("echo 'it'\\''s' ok");
    expect(shellForm("  named -g  ")).toBe("named -g");
    expect(shellForm("[not json")).toBe("[not json");
  });
});

describe("installedPackages", () => {
  it("reads apt-get and apt installs only, skipping options and shell syntax", () => {
    expect(installedPackages("apt-get update && apt-get -y install a b=1.2 || true")).toEqual([
      "a",
      "b=1.2",
    ]);
    expect(installedPackages("pip install scapy")).toEqual([]);
    expect(installedPackages("apt-get update")).toEqual([]);
  });
});
