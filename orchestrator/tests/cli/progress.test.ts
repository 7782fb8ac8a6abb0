// up and reset tell a person at a terminal what they do, and write nothing into a pipe.
import { describe, expect, it } from "vitest";
import { progressLine, terminalProgress } from "../../src/cli/progress.ts";

function stream(isTTY: boolean) {
  const written: string[] = [];
  return { written, isTTY, write: (text: string) => written.push(text) > 0 };
}

describe("progress lines", () => {
  it("are written to a terminal, one per event", () => {
    const terminal = stream(true);
    const progress = terminalProgress(terminal);
    progress?.({ step: "network created", network: "lan" });
    progress?.({ step: "node ready", node: "web" });
    expect(terminal.written).toEqual(["  network lan: created\n", "  node web: ready\n"]);
  });

  it("are not asked for when stderr is a pipe or a file", () => {
    expect(terminalProgress(stream(false))).toBeUndefined();
  });

  it("say what happened to which node", () => {
    expect(progressLine({ step: "node created", node: "dns" })).toBe("  node dns: created");
    expect(progressLine({ step: "node started", node: "dns" })).toBe("  node dns: started");
  });
});
