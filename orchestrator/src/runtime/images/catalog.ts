// The images socketlab builds: one per folder of images/, each FROM the base. The base is built
// first; the rest only need it.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { IMAGES_DIR } from "../../paths.ts";

export const BASE_FOLDER = "base";
export const IMAGE_HASH_LABEL = "io.socketlab.image-hash";

export interface ImageSource {
  folder: string;
  dir: string;
  tag: string;
}

export function imageTag(folder: string): string {
  return `socketlab/${folder}:latest`;
}

/** Every images/ folder holding a Dockerfile, the base first, the rest by name. */
export function listImageSources(imagesDir = IMAGES_DIR): ImageSource[] {
  const folders = readdirSync(imagesDir)
    .filter((name) => statSync(join(imagesDir, name, "Dockerfile"), { throwIfNoEntry: false }))
    .sort((a, b) => (a === BASE_FOLDER ? -1 : b === BASE_FOLDER ? 1 : a.localeCompare(b)));
  return folders.map((folder) => ({ folder, dir: join(imagesDir, folder), tag: imageTag(folder) }));
}
