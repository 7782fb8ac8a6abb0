// Builds the images of images/ on an engine, each only when its folder (or its parent image)
// changed since the last build: the folder's content hash is kept in a label on the image.
import { readdirSync } from "node:fs";
import { type Engine, imageId, isNotFound } from "../engine.ts";
import { BASE_FOLDER, IMAGE_HASH_LABEL, type ImageSource, listImageSources } from "./catalog.ts";
import { folderHash } from "./content-hash.ts";
import { consumeProgress } from "./progress.ts";
import { ensureRootfs, type Log } from "./rootfs.ts";

export interface ImageResult {
  tag: string;
  built: boolean;
}

export interface BuildOptions {
  log: Log;
  /** Rebuild even when the content hash matches, without Docker's layer cache: from scratch. */
  force?: boolean;
  /** Say nothing of images that are up to date. */
  quiet?: boolean;
  /** Make the root file system again when it is older than this: every image is then rebuilt. */
  maxAgeMs?: number;
}

export async function ensureImages(engine: Engine, options: BuildOptions): Promise<ImageResult[]> {
  const results: ImageResult[] = [];
  const sources = listImageSources();
  const base = sources.find((s) => s.folder === BASE_FOLDER);
  if (!base) throw new Error(`images/${BASE_FOLDER}/Dockerfile is missing`);
  const rootfs = await ensureRootfs(engine, options.log, options.maxAgeMs);
  results.push(await ensureImage(engine, base, { ROOTFS: rootfs }, rootfs, options));
  for (const source of sources) {
    if (source !== base) results.push(await ensureImage(engine, source, {}, base.tag, options));
  }
  return results;
}

async function ensureImage(
  engine: Engine,
  source: ImageSource,
  buildargs: Record<string, string>,
  parent: string,
  options: BuildOptions,
): Promise<ImageResult> {
  const parentId = await imageId(engine, parent);
  const hash = folderHash(source.dir, `${parentId}${JSON.stringify(buildargs)}`);
  if (!options.force && (await labelOf(engine, source.tag)) === hash) {
    if (!options.quiet) options.log(`${source.tag} is up to date`);
    return { tag: source.tag, built: false };
  }
  options.log(`building ${source.tag}`);
  const started = Date.now();
  const stream = await engine.images.build(
    { dir: source.dir, files: readdirSync(source.dir, { recursive: true, encoding: "utf8" }) },
    {
      tag: source.tag,
      buildargs,
      labels: { [IMAGE_HASH_LABEL]: hash },
      nocache: options.force ?? false,
    },
  );
  await consumeProgress(stream, (line) => {
    // Steps and errors are worth showing; package managers' chatter is not.
    if (/^Step \d+\/\d+/.test(line)) options.log(`  [${source.folder}] ${line}`);
  });
  options.log(`${source.tag} built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { tag: source.tag, built: true };
}

async function labelOf(engine: Engine, tag: string): Promise<string | undefined> {
  try {
    return (await engine.images.inspect(tag)).Labels[IMAGE_HASH_LABEL];
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
