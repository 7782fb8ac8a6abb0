import { describe, expect, it } from "vitest";
import { configureOwn, loadNode } from "../support/roles.ts";
import { problems, yaml } from "../topology/helpers.ts";

/** A lab with one memcached node (memory limit `limit`) whose config starts on line 10. */
function withConfig(lines: string[], limit = "256m"): string {
  const head = yaml`
    name: lab
    networks:
      lan: { subnet: 10.0.0.0/24 }
    nodes:
      cache:
        role: memcached
        networks: { lan: .11 }
        limits: { memory: LIMIT }
        config:
  `.replace("LIMIT", limit);
  return `${head.trimEnd()}\n${lines.map((line) => `      ${line}`).join("\n")}\n`;
}

describe("memcached config in the topology", () => {
  it("reports each bad field at its place", async () => {
    expect(await problems(withConfig(["port: 70000", "memory: 64", "threads: 4"]))).toEqual([
      "lab.yaml:10:13: nodes.cache.config.port: must be at most 65535",
      "lab.yaml:11:15: nodes.cache.config.memory: expected text, found 64",
      "lab.yaml:12:7: nodes.cache.config.threads: unknown field 'threads'",
    ]);
    expect(await problems(withConfig(["memory: 64k"]))).toEqual([
      "lab.yaml:10:15: nodes.cache.config.memory: memory is a size in megabytes or gigabytes, like 64m or 1g",
    ]);
  });

  it("refuses a cache as large as the node's memory limit", async () => {
    expect(await problems(withConfig(["memory: 128m"], "128m"))).toEqual([
      "lab.yaml:10:15: nodes.cache.config.memory: memcached's 128m must stay below the node's memory limit (128m): raise limits.memory or lower this",
    ]);
    expect(await problems(withConfig(["memory: 1g"], "2g"))).toEqual([]);
  });
});

describe("the memcached node's start", () => {
  it("runs memcached in the background with the port and megabytes given", async () => {
    const node = await loadNode(withConfig(["port: 11311", "memory: 1G"], "2g"), "cache");
    const contribution = configureOwn(node);
    expect(contribution.start).toEqual(["memcached -d -u memcache -l 0.0.0.0 -p 11311 -m 1024"]);
    expect(contribution.ready?.command).toBe(
      "printf 'version\\r\\n' | nc -N -w 2 127.0.0.1 11311 | grep -q '^VERSION '",
    );
  });

  it("listens on 11211 with 64 megabytes by default", async () => {
    const contribution = configureOwn(await loadNode(withConfig(["{}"]), "cache"));
    expect(contribution.start).toEqual(["memcached -d -u memcache -l 0.0.0.0 -p 11211 -m 64"]);
  });
});
