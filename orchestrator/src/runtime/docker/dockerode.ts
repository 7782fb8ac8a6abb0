// The engine port (port.ts) spoken through dockerode: the one module that imports it. Refusals
// come back as EngineRequestError with Docker's status code and its own explanation.
import type { Duplex, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
// First: it puts stand-ins where dockerode would load its SSH and BuildKit clients.
import "./deferred-features.ts";
import Docker from "dockerode";
import { DemuxStream } from "./demux.ts";
import {
  type ContainerClient,
  type Engine,
  EngineRequestError,
  type ExecClient,
  type ImageClient,
  type LabelFilter,
  type NetworkClient,
  type SwarmManager,
  type SwarmNode,
  type VolumeClient,
} from "./port.ts";

/** How to reach an engine: a unix socket, TCP (with TLS) or SSH, as dockerode takes it. */
export type ConnectionOptions = Docker.DockerOptions;

/** An engine reached with `options` (none: DOCKER_HOST, or the local socket). */
export function dockerodeEngine(options?: ConnectionOptions): Engine {
  return new DockerodeEngine(new Docker(options));
}

/** The swarm manager reached with `options`. */
export function dockerodeSwarm(options?: ConnectionOptions): SwarmManager {
  const docker = new Docker(options);
  return { nodes: () => call(() => docker.listNodes() as Promise<SwarmNode[]>) };
}

/** Docker's status and message in place of dockerode's "(HTTP code 404) ..." text. */
async function call<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    const { statusCode, json } = error as { statusCode?: number; json?: { message?: string } };
    if (typeof statusCode !== "number") throw error;
    throw new EngineRequestError(statusCode, json?.message ?? (error as Error).message);
  }
}

/** Docker's `filters` query for a label filter; none without labels. */
const filters = ({ labels }: LabelFilter = {}) =>
  labels ? { filters: JSON.stringify({ label: labels }) } : {};

class DockerodeEngine implements Engine {
  readonly networks: NetworkClient;
  readonly containers: ContainerClient;
  readonly volumes: VolumeClient;
  readonly exec: ExecClient;
  readonly images: ImageClient;
  private readonly docker: Docker;

  constructor(docker: Docker) {
    this.docker = docker;
    this.networks = networkClient(docker);
    this.containers = containerClient(docker);
    this.volumes = volumeClient(docker);
    this.exec = execClient(docker);
    this.images = imageClient(docker);
  }

  async ping(): Promise<void> {
    await call(() => this.docker.ping());
  }
}

function networkClient(docker: Docker): NetworkClient {
  return {
    list: (filter) => call(() => docker.listNetworks(filters(filter))),
    create: async (spec) => {
      await call(() =>
        docker.createNetwork({
          Name: spec.Name,
          Driver: "bridge",
          Internal: spec.Internal,
          CheckDuplicate: true,
          IPAM: { Driver: "default", Config: [{ Subnet: spec.Subnet, Gateway: spec.Gateway }] },
          Options: spec.Options,
          Labels: spec.Labels,
        }),
      );
    },
    inspect: (id) => call(() => docker.getNetwork(id).inspect()),
    remove: async (id) => {
      await call(() => docker.getNetwork(id).remove());
    },
    connect: async (network, container, address) => {
      await call(() =>
        docker.getNetwork(network).connect({
          Container: container,
          EndpointConfig: { IPAMConfig: { IPv4Address: address } },
        }),
      );
    },
  };
}

function containerClient(docker: Docker): ContainerClient {
  return {
    list: (filter) =>
      call(() =>
        docker.listContainers({
          all: filter?.all ?? false,
          size: filter?.size ?? false,
          ...filters(filter),
        }),
      ),
    create: async (spec) => (await call(() => docker.createContainer(spec))).id,
    start: async (id) => {
      await call(() => docker.getContainer(id).start());
    },
    stop: async (id, graceSeconds) => {
      await call(() => docker.getContainer(id).stop({ t: graceSeconds }));
    },
    remove: async (id) => {
      await call(() => docker.getContainer(id).remove({ force: true, v: true }));
    },
    inspect: (id) => call(() => docker.getContainer(id).inspect()),
    logs: async (id, lines) =>
      (await call(() =>
        docker.getContainer(id).logs({ stdout: true, stderr: true, tail: lines, follow: false }),
      )) as unknown as Buffer,
    putArchive: async (id, archive, path) => {
      await call(() => docker.getContainer(id).putArchive(archive, { path }));
    },
  };
}

function volumeClient(docker: Docker): VolumeClient {
  return {
    list: async (filter) => (await call(() => docker.listVolumes(filters(filter)))).Volumes ?? [],
    create: async (spec) => {
      await call(() => docker.createVolume(spec));
    },
    inspect: (name) => call(() => docker.getVolume(name).inspect()),
    remove: async (name) => {
      await call(() => docker.getVolume(name).remove());
    },
  };
}

function execClient(docker: Docker): ExecClient {
  return {
    start: async (container, spec) => {
      const exec = await call(() =>
        docker.getContainer(container).exec({
          Cmd: spec.command,
          AttachStdin: spec.stdin,
          AttachStdout: true,
          AttachStderr: true,
          Tty: spec.tty,
          ...(spec.user === undefined ? {} : { User: spec.user }),
          ...(spec.env === undefined ? {} : { Env: spec.env }),
        }),
      );
      const stream: Duplex = await call(() =>
        exec.start({ hijack: true, stdin: spec.stdin, Tty: spec.tty }),
      );
      return {
        stream,
        demux: (stdout: Writable, stderr: Writable) =>
          pipeline(stream, new DemuxStream(stdout, stderr)),
        resize: async (cols, rows) => {
          await call(() => exec.resize({ w: cols, h: rows }));
        },
        inspect: async () => {
          const state = await call(() => exec.inspect());
          return { Running: state.Running, Pid: state.Pid, ExitCode: state.ExitCode };
        },
      };
    },
  };
}

function imageClient(docker: Docker): ImageClient {
  return {
    inspect: async (reference) => {
      const image = await call(() => docker.getImage(reference).inspect());
      return { Id: image.Id, Labels: image.Config.Labels ?? {}, Created: image.Created };
    },
    save: (reference) => call(() => docker.getImage(reference).get()),
    load: (archive) => call(() => docker.loadImage(archive)),
    build: (context, options) =>
      call(() =>
        docker.buildImage(
          { context: context.dir, src: context.files },
          {
            t: options.tag,
            buildargs: options.buildargs,
            labels: options.labels,
            rm: true,
            forcerm: true,
            nocache: options.nocache,
          },
        ),
      ),
    pull: (reference) => call(() => docker.pull(reference)),
    import: (rootfs, reference) => {
      const [repo, tag] = reference.split(":");
      return call(() => docker.importImage(rootfs, { repo, tag }));
    },
  };
}
