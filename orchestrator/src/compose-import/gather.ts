// Reads what the compose file points at in its folder: each build's Dockerfile, the files its
// COPY lines bring in, and the files of `./volumes`-style mounts. The mapping itself is pure and
// works on what this gathers.
import { posix } from "node:path";
import type { ComposeFile, ComposeService } from "./compose.ts";
import { type Dockerfile, parseDockerfile } from "./dockerfile.ts";
import { at, type Findings, type Where } from "./findings.ts";
import { insideFolder, MAX_IMPORT_BYTES, MAX_IMPORT_FILES, type SetupFolder } from "./folder.ts";

export interface PlacedFile {
  /** Where it goes in the node. */
  path: string;
  /** Where it is in the set-up's folder. */
  source: string;
  mode: "0644" | "0755";
  /** The volume or COPY line that brings it. */
  origin: Where;
}

export interface ServiceInputs {
  dockerfile: { file: string; parsed: Dockerfile } | null;
  /** Build files first, then volumes, as the container would see them. */
  files: PlacedFile[];
}

export interface Gathered {
  services: Map<string, ServiceInputs>;
  /** Every placed file's content, by its path in the set-up's folder. */
  contents: Map<string, Buffer>;
}

export async function gather(
  compose: ComposeFile,
  folder: SetupFolder,
  findings: Findings,
): Promise<Gathered> {
  const gathered: Gathered = { services: new Map(), contents: new Map() };
  let bytes = 0;
  // Once over the bounds nothing more is read: the import has failed already.
  let full = false;
  const load = async (placed: PlacedFile[]): Promise<PlacedFile[]> => {
    const kept: PlacedFile[] = [];
    for (const file of placed) {
      if (full) return kept;
      const known = gathered.contents.get(file.source);
      const read = known ? { ok: true as const, data: known } : await folder.read(file.source);
      if (!read.ok) {
        findings.error(file.origin, read.reason);
        continue;
      }
      if (!known) {
        bytes += read.data.length;
        full = gathered.contents.size >= MAX_IMPORT_FILES || bytes > MAX_IMPORT_BYTES;
        if (full) {
          findings.error(
            file.origin,
            `the set-up brings more than ${MAX_IMPORT_FILES} files or ${MAX_IMPORT_BYTES / 1024 / 1024} MiB into its nodes`,
          );
          return kept;
        }
        gathered.contents.set(file.source, read.data);
      }
      // A script keeps its executable bit: a folder sent over the API has no modes to go by.
      kept.push({ ...file, mode: read.data.subarray(0, 2).toString() === "#!" ? "0755" : "0644" });
    }
    return kept;
  };
  for (const [name, service] of Object.entries(compose.services)) {
    const dockerfile = await readDockerfile(name, service, folder, findings);
    const copied = dockerfile ? await copiedFiles(dockerfile, folder, findings) : [];
    const mounted = await mountedFiles(name, service, folder, findings);
    gathered.services.set(name, {
      dockerfile: dockerfile && { file: dockerfile.file, parsed: dockerfile.parsed },
      files: await load([...copied, ...mounted]),
    });
  }
  return gathered;
}

interface BuildFolder {
  context: string;
  file: string;
  parsed: Dockerfile;
}

async function readDockerfile(
  name: string,
  service: ComposeService,
  folder: SetupFolder,
  findings: Findings,
): Promise<BuildFolder | null> {
  if (service.build === undefined) return null;
  const written = typeof service.build === "string" ? service.build : service.build.context;
  const where =
    typeof service.build === "string"
      ? at("services", name, "build")
      : at("services", name, "build", "context");
  const context = insideFolder(written);
  if (context === null) {
    findings.error(where, `build folder '${written}' is outside the set-up's folder`);
    return null;
  }
  const dockerfileName =
    typeof service.build === "string" ? "Dockerfile" : (service.build.dockerfile ?? "Dockerfile");
  const file = insideFolder(dockerfileName, context);
  if (file === null) {
    findings.error(where, `Dockerfile '${dockerfileName}' is outside the build folder`);
    return null;
  }
  const read = await folder.read(file);
  if (!read.ok) {
    findings.error(where, `the build's Dockerfile (${file}): ${read.reason}`);
    return null;
  }
  return { context, file, parsed: parseDockerfile(read.data.toString("utf8")) };
}

async function copiedFiles(
  build: BuildFolder,
  folder: SetupFolder,
  findings: Findings,
): Promise<PlacedFile[]> {
  const placed: PlacedFile[] = [];
  for (const copy of build.parsed.copies) {
    const origin: Where = { file: build.file, line: copy.line };
    if (!copy.dest.startsWith("/")) {
      findings.note(
        "dropped",
        origin,
        `${copy.text}: a relative destination is not kept; write it as an absolute path`,
      );
      continue;
    }
    const intoFolder = copy.dest.endsWith("/") || copy.sources.length > 1;
    for (const written of copy.sources) {
      if (/[*?[]/.test(written)) {
        findings.note("dropped", origin, `'${written}': patterns are not expanded; name each file`);
        continue;
      }
      const source = insideFolder(written, build.context);
      if (
        source === null ||
        (build.context !== "" &&
          source !== build.context &&
          !source.startsWith(`${build.context}/`))
      ) {
        findings.error(origin, `COPY source '${written}' is outside the build folder`);
        continue;
      }
      placed.push(...(await expand(source, copy.dest, intoFolder, origin, folder, findings)));
    }
  }
  return placed;
}

async function mountedFiles(
  name: string,
  service: ComposeService,
  folder: SetupFolder,
  findings: Findings,
): Promise<PlacedFile[]> {
  const placed: PlacedFile[] = [];
  for (const [index, volume] of (service.volumes ?? []).entries()) {
    const origin = at("services", name, "volumes", index);
    const [host, target, ...options] = volume.split(":");
    if (target === undefined) {
      findings.note("dropped", origin, `anonymous volume ${host}: nothing to bring along`);
      continue;
    }
    if (
      host === undefined ||
      (!host.startsWith(".") && !host.startsWith("/") && !host.startsWith("~"))
    ) {
      findings.error(
        origin,
        `named volume '${host}' is not supported: mount a folder of the set-up (./volumes)`,
      );
      continue;
    }
    const source = insideFolder(host);
    if (source === null) {
      findings.error(origin, `'${host}' is outside the set-up's folder`);
      continue;
    }
    if (!target.startsWith("/")) {
      findings.error(origin, `'${target}' is not an absolute path in the container`);
      continue;
    }
    if (options.length > 0) findings.note("dropped", origin, `mount options ${options.join(":")}`);
    const files = await expand(source, target, false, origin, folder, findings);
    findings.note(
      files.length === 0 ? "dropped" : "changed",
      origin,
      files.length === 0
        ? `${host} has no files: nothing to copy (the node gets no shared folder)`
        : `${host}: ${files.length} file(s) copied into ${target} at creation; the node's changes stay in the node, not on the host`,
    );
    placed.push(...files);
  }
  return placed;
}

/** A file or a whole folder of the set-up, placed at `dest` (a file's name or its folder). */
async function expand(
  source: string,
  dest: string,
  intoFolder: boolean,
  origin: Where,
  folder: SetupFolder,
  findings: Findings,
): Promise<PlacedFile[]> {
  const kind = await folder.kind(source);
  const file = (path: string, from: string): PlacedFile => ({
    path,
    source: from,
    mode: "0644",
    origin,
  });
  if (kind === "file") {
    const path = intoFolder ? posix.join(dest, posix.basename(source)) : dest;
    return [file(posix.normalize(path), source)];
  }
  if (kind === "missing") {
    // A mounted folder that is not there is made empty by Docker; a COPY of it fails the build.
    if ("path" in origin) return [];
    findings.error(origin, `'${source}' does not exist in the set-up's folder`);
    return [];
  }
  const listed = await folder.list(source);
  if (!listed.ok) {
    findings.error(origin, listed.reason);
    return [];
  }
  return listed.files
    .filter((path) => posix.basename(path) !== ".gitkeep")
    .map((path) => file(posix.join(dest, posix.relative(source, path)), path));
}
