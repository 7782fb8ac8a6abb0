import { describe, expect, it } from "vitest";
import { handoutLinks, linkProblems, replaceLinks } from "../../src/handout/links.ts";
import { asideSpans, codeSpans, position } from "../../src/handout/markdown.ts";
import type { Topology } from "../../src/topology/model.ts";

const topology = {
  name: "lab",
  nodes: [{ name: "attacker" }, { name: "user" }],
  checks: [{ id: "delegation" }],
} as unknown as Topology;

describe("handoutLinks", () => {
  it("finds node and check links with their text and offsets", () => {
    const text = "Open [the attacker](node:attacker), then [Check my work](check:).";
    expect(handoutLinks(text)).toEqual([
      { kind: "node", target: "attacker", text: "the attacker", start: 5, end: 34 },
      { kind: "check", target: "", text: "Check my work", start: 41, end: 64 },
    ]);
  });

  it("ignores other links and links inside code", () => {
    const text = [
      "[web](http://web/) `[a](node:a)` ``x `[b](node:b)` y``",
      "```",
      "[c](node:c)",
      "```",
      "~~~~",
      "[d](node:d)",
      "~~~",
      "~~~~",
      "[e](node:e)",
    ].join("\n");
    expect(handoutLinks(text).map((l) => l.target)).toEqual(["e"]);
  });

  it("takes link text that runs over a line break", () => {
    expect(handoutLinks("[Check\nmy work](check:)")).toMatchObject([
      { kind: "check", target: "", text: "Check\nmy work" },
    ]);
  });

  it("treats an unmatched backtick as text", () => {
    expect(handoutLinks("a ` b [x](node:x)").map((l) => l.target)).toEqual(["x"]);
  });

  it("treats an unclosed fence as code to the end", () => {
    expect(handoutLinks("```\n[x](node:x)\n")).toEqual([]);
  });
});

describe("linkProblems", () => {
  it("reports links to unknown nodes and checks at their line and column", () => {
    const text =
      "# Lab\n\nOpen [it](node:atacker) and\n  [x](check:nope) [ok](node:user) [all](check:)\n[n](node:)";
    expect(linkProblems(text, "lab/README.md", topology)).toEqual([
      {
        file: "lab/README.md",
        line: 3,
        col: 6,
        field: "node:",
        message: "no node 'atacker' in topology lab (nodes: attacker, user)",
      },
      {
        file: "lab/README.md",
        line: 4,
        col: 3,
        field: "check:",
        message: "no check 'nope' in topology lab (checks: delegation)",
      },
      {
        file: "lab/README.md",
        line: 5,
        col: 1,
        field: "node:",
        message: "a node link must name a node: node:NAME",
      },
    ]);
  });

  it("finds nothing wrong with good links", () => {
    expect(linkProblems("[a](node:attacker) [d](check:delegation)", "f", topology)).toEqual([]);
  });
});

describe("replaceLinks", () => {
  it("renders each link and keeps the rest", () => {
    const text = "Open [the attacker](node:attacker). `[x](node:x)` [all](check:)";
    expect(replaceLinks(text, (l) => `<${l.kind}:${l.target}|${l.text}>`)).toBe(
      "Open <node:attacker|the attacker>. `[x](node:x)` <check:|all>",
    );
  });
});

describe("markdown helpers", () => {
  it("gives 1-based lines and columns", () => {
    expect(position("ab\ncd", 0)).toEqual({ line: 1, col: 1 });
    expect(position("ab\ncd", 4)).toEqual({ line: 2, col: 2 });
  });

  it("finds inline code spans of any length", () => {
    const text = "a `b` c ``d ` e`` f";
    expect(codeSpans(text).map((s) => text.slice(s.start, s.end))).toEqual(["`b`", "``d ` e``"]);
  });

  it("finds command-line asides: a blockquote led by **Command line**", () => {
    const text = [
      "> a quote",
      "",
      "> **Command line**: `./socketlab exec LAB attacker`",
      "> and more",
      "after",
      "> **Command line** again",
    ].join("\n");
    expect(asideSpans(text).map((s) => text.slice(s.start, s.end))).toEqual([
      "> **Command line**: `./socketlab exec LAB attacker`\n> and more\n",
      "> **Command line** again",
    ]);
  });

  it("does not count a quote's later line as an aside's start", () => {
    expect(asideSpans("> quote\n> **Command line** x\n")).toEqual([]);
  });
});
