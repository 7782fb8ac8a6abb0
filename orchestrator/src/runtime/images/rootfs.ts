// The Debian root file system the base image starts from: debian:bookworm-slim when a registry
// answers, otherwise the same release bootstrapped offline with debootstrap (Debian's package
// archive is reachable where registries are not) and imported as an image.
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { debianMirrors } from "../../config.ts";
import { type Engine, errorMessage, isNotFound } from "../engine.ts";
import { consumeProgress } from "./progress.ts";

export const REGISTRY_ROOTFS = "debian:bookworm-slim";
export const BOOTSTRAPPED_ROOTFS = "socketlab/rootfs:bookworm";
const SUITE = "bookworm";
const { main: MIRROR, security: SECURITY_MIRROR } = debianMirrors();

export type Log = (line: string) => void;

/**
 * Returns the reference of a root file system image present on the engine. One made more than
 * `maxAgeMs` ago is made again (pulled, or bootstrapped), so that the images built on it carry
 * the Debian packages of today: a machine that keeps old images can otherwise pass tests that a
 * new machine fails.
 */
export async function ensureRootfs(engine: Engine, log: Log, maxAgeMs?: number): Promise<string> {
  for (const reference of [REGISTRY_ROOTFS, BOOTSTRAPPED_ROOTFS]) {
    const created = await createdAt(engine, reference);
    if (created === undefined) continue;
    if (maxAgeMs === undefined || Date.now() - created.getTime() <= maxAgeMs) return reference;
    log(`${reference} was made ${created.toISOString()}: making it again with today's packages`);
  }
  try {
    log(`pulling ${REGISTRY_ROOTFS}`);
    await consumeProgress(await engine.images.pull(REGISTRY_ROOTFS), () => {});
    return REGISTRY_ROOTFS;
  } catch (error) {
    log(`cannot pull ${REGISTRY_ROOTFS} (${errorMessage(error)}); bootstrapping it offline`);
  }
  await bootstrapRootfs(engine, log);
  return BOOTSTRAPPED_ROOTFS;
}

async function createdAt(engine: Engine, reference: string): Promise<Date | undefined> {
  try {
    return new Date((await engine.images.inspect(reference)).Created);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function bootstrapRootfs(engine: Engine, log: Log): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "socketlab-rootfs-"));
  try {
    log(`debootstrap --variant=minbase ${SUITE} (about a minute)`);
    await run("debootstrap", ["--variant=minbase", SUITE, dir, MIRROR], log);
    // debootstrap lists only the release itself; bookworm-slim also has its updates and security
    // suites, without which images get the release's original packages (a victim's Chromium six
    // versions behind, with known holes).
    await writeFile(join(dir, "etc/apt/sources.list"), debianSources());
    // debootstrap leaves the packages it installed and apt's caches behind: about 100 MB that
    // every image would carry, as a later layer cannot take them out of this one.
    await run(
      "sh",
      ["-c", `rm -rf "${dir}"/var/cache/apt/archives/*.deb "${dir}"/var/cache/apt/*.bin`],
      log,
    );
    log(`importing the root file system as ${BOOTSTRAPPED_ROOTFS}`);
    const tar = spawn("tar", ["-C", dir, "-c", "."], { stdio: ["ignore", "pipe", "inherit"] });
    const response = await engine.images.import(tar.stdout, BOOTSTRAPPED_ROOTFS);
    await consumeProgress(response, () => {});
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function debianSources(): string {
  return [
    `deb ${MIRROR} ${SUITE} main`,
    `deb ${MIRROR} ${SUITE}-updates main`,
    `deb ${SECURITY_MIRROR} ${SUITE}-security main`,
    "",
  ].join("\n");
}

function run(command: string, args: string[], log: Log): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    for (const output of [child.stdout, child.stderr]) {
      createInterface({ input: output }).on("line", (line) => log(`  ${line}`));
    }
    child.on("error", (error) =>
      reject(
        new Error(
          `cannot run ${command} (${error.message}); install it (Debian: apt-get install ${command})`,
        ),
      ),
    );
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} failed with exit status ${code}`)),
    );
  });
}
