// Image builds are cached by content: a second build of unchanged folders builds nothing.
import { describe, expect, it } from "vitest";
import { ensureImages } from "../../orchestrator/src/runtime/images/build.ts";
import {
  IMAGE_HASH_LABEL,
  listImageSources,
} from "../../orchestrator/src/runtime/images/catalog.ts";
import { docker, testEngine } from "./engine.ts";

describe("socketlab images", () => {
  it("are built once and then left alone while their folders are unchanged", async () => {
    const engine = await testEngine();
    const lines: string[] = [];
    const results = await ensureImages(engine, { log: (line) => lines.push(line) });
    expect(results.map((r) => r.tag)).toEqual(listImageSources().map((s) => s.tag));
    expect(results.every((r) => !r.built)).toBe(true);
    for (const { tag } of results) {
      expect(lines).toContain(`${tag} is up to date`);
      const image = await docker.getImage(tag).inspect();
      expect(image.Config.Labels?.[IMAGE_HASH_LABEL]).toMatch(/^[0-9a-f]{64}$/);
    }
  });
});
