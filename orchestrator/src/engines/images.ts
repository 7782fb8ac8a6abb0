// Images reach an engine of the pool without a registry: an image missing there is saved from an
// engine that has it and loaded (the same image id and labels, so content hashes still match).
import { type Engine, errorMessage, imageId } from "../runtime/engine.ts";

export interface ImageSource {
  name: string;
  engine: Engine;
}

/** Copies `reference` from `source` to `target` through a save/load stream. */
export async function copyImage(source: Engine, target: Engine, reference: string): Promise<void> {
  const saved = await source.images.save(reference);
  const loading = await target.images.load(saved);
  // The load's answer streams progress; it ends when the image is in place, and carries an
  // error in a message rather than a status code.
  const output = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    loading.on("data", (chunk: Buffer) => chunks.push(chunk));
    loading.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    loading.on("error", reject);
  });
  const failure = /"error(?:Detail)?":\s*(?:\{"message":)?"([^"]+)"/.exec(output);
  if (failure) throw new Error(`loading ${reference} failed: ${failure[1]}`);
}

/**
 * Makes every image of `references` present on `target`, copying each missing one from the first
 * of `sources` that has it. Returns the images copied and those no engine has.
 */
async function provideImages(
  target: ImageSource,
  sources: ImageSource[],
  references: string[],
): Promise<{ copied: string[]; missing: string[] }> {
  const copied: string[] = [];
  const missing: string[] = [];
  for (const reference of new Set(references)) {
    if (await imageId(target.engine, reference)) continue;
    const source = await firstHolding(sources, reference);
    if (!source) {
      missing.push(reference);
      continue;
    }
    try {
      await copyImage(source.engine, target.engine, reference);
    } catch (error) {
      throw new Error(
        `image ${reference} could not be copied from engine ${source.name} to engine ${target.name}: ${errorMessage(error)}`,
      );
    }
    copied.push(reference);
  }
  return { copied, missing };
}

async function firstHolding(sources: ImageSource[], reference: string) {
  for (const source of sources) {
    // An engine that does not answer is no source.
    if (await imageId(source.engine, reference).catch(() => null)) return source;
  }
  return null;
}

/**
 * Provides images to engines with one copy per image and engine at a time: concurrent placements
 * on an engine that lacks an image share its copy.
 */
export class ImageCopies {
  private readonly copies = new Map<string, Promise<{ copied: string[]; missing: string[] }>>();

  /** Makes `images` present on `target` from `sources`; returns those no source has. */
  async provide(target: ImageSource, sources: ImageSource[], images: string[]): Promise<string[]> {
    const results = await Promise.all(
      [...new Set(images)].map((image) => {
        const key = `${target.name} ${image}`;
        let copy = this.copies.get(key);
        if (!copy) {
          copy = provideImages(target, sources, [image]).finally(() => this.copies.delete(key));
          this.copies.set(key, copy);
        }
        return copy;
      }),
    );
    return results.flatMap((r) => r.missing);
  }
}
