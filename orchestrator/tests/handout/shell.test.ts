import { describe, expect, it } from "vitest";
import { handoutForShell } from "../../src/cli/commands/handout.ts";

describe("the handout for a shell", () => {
  it("gives each link the command that does the same", () => {
    expect(
      handoutForShell("Open [the attacker](node:attacker); [Check my work](check:).", "a-lab"),
    ).toBe(
      "Open the attacker (`socketlab exec a-lab attacker`); Check my work (`socketlab check a-lab`).\n",
    );
  });

  it("keeps links in code as written", () => {
    expect(handoutForShell("`[x](node:x)`\n", "l")).toBe("`[x](node:x)`\n");
  });
});
