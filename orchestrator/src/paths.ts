// Where the repository's own folders are, wherever the process was started from.
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const IMAGES_DIR = fileURLToPath(new URL("../../images/", import.meta.url));
export const TOPOLOGIES_DIR = fileURLToPath(new URL("../../topologies/", import.meta.url));
