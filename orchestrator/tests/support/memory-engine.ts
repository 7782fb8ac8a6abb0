// An in-memory Docker engine behind the engine port (runtime/docker/port.ts), for unit tests:
// networks with their subnets (overlaps refused as Docker refuses them), containers with their
// state and attachments, labelled volumes, images, and execs answered by a handler. It keeps a
// log of the operations asked of it, can be taken down (every call fails as a dead socket does),
// and can fail chosen operations with the error a test gives.
import { createHash, randomBytes } from "node:crypto";
import { PassThrough, Readable, type Writable } from "node:stream";
import { overlaps, parseCidrLoose } from "../../src/net/ipv4.ts";
import {
  type ContainerClient,
  type ContainerDetails,
  type ContainerSpec,
  type ContainerSummary,
  type Engine,
  EngineRequestError,
  type ExecClient,
  type ExecSpec,
  type ImageClient,
  type LabelFilter,
  type NetworkClient,
  type NetworkSummary,
  type VolumeClient,
  type VolumeSummary,
} from "../../src/runtime/docker/port.ts";

export interface MemoryContainer {
  id: string;
  spec: ContainerSpec;
  imageId: string;
  state: "created" | "running" | "exited";
  /** When it was last started (RFC 3339); Docker's zero time before its first start. */
  startedAt: string;
  /** Network name -> address. */
  attached: Map<string, string>;
  /** Archives put into it, with where. */
  archives: { path: string; archive: Buffer }[];
  /** What it wrote to its file system (its writable layer), bytes; tests set it. */
  writtenBytes?: number;
}

export interface MemoryNetwork extends NetworkSummary {
  /** Docker 20.10's stale endpoint: removal says "has active endpoints" with none attached. */
  staleEndpoint?: boolean;
}

export type ExecHandler = (
  container: MemoryContainer,
  spec: ExecSpec,
) => { exitCode: number; stdout?: string; stderr?: string };

const notFound = (kind: string, name: string) =>
  new EngineRequestError(404, `No such ${kind}: ${name}`);

function matches(labels: Record<string, string> | undefined, filter: LabelFilter = {}): boolean {
  return (filter.labels ?? []).every((wanted) => {
    const [key, value] = wanted.split("=", 2) as [string, string | undefined];
    return labels?.[key] !== undefined && (value === undefined || labels[key] === value);
  });
}

const hexId = () => randomBytes(32).toString("hex");

/** One Docker frame (stream 1: stdout, 2: stderr), as a multiplexed log carries it. */
function frame(stream: 1 | 2, text: string): Buffer {
  const body = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

export class MemoryEngine implements Engine {
  readonly networks: NetworkClient;
  readonly containers: ContainerClient;
  readonly volumes: VolumeClient;
  readonly exec: ExecClient;
  readonly images: ImageClient;
  /** The engine's objects, for tests to look at and change. */
  readonly state = {
    networks: new Map<string, MemoryNetwork>(),
    containers: new Map<string, MemoryContainer>(),
    volumes: new Map<string, VolumeSummary>(),
    /** reference -> id, labels and when it was made. */
    images: new Map<string, { Id: string; Labels: Record<string, string>; Created: string }>(),
    /** container id -> its output, as `logs` returns it. */
    logs: new Map<string, string>(),
  };
  /** The names of the containers started, in the order they were. */
  readonly starts: string[] = [];
  /** Every operation asked, as "client.operation" ("containers.create"), pings as "ping". */
  readonly calls: string[] = [];
  /** Operations that fail with the given error instead (before any change). */
  readonly failing = new Map<string, Error>();
  /** Answers every exec; by default the command exits 0 and says nothing. */
  onExec: ExecHandler = () => ({ exitCode: 0 });
  /** The time volumes are created at, epoch ms. */
  now: () => number = Date.now;
  private down: string | null = null;

  constructor(images: string[] = []) {
    for (const image of images) this.addImage(image);
    const op =
      <A extends unknown[], R>(name: string, body: (...args: A) => R | Promise<R>) =>
      async (...args: A): Promise<Awaited<R>> => {
        this.calls.push(name);
        if (this.down !== null) throw new Error(this.down);
        const failure = this.failing.get(name);
        if (failure) throw failure;
        return await body(...args);
      };
    this.networks = {
      list: op("networks.list", (filter?: LabelFilter) =>
        [...this.state.networks.values()].filter((n) => matches(n.Labels, filter)),
      ),
      create: op("networks.create", (spec) => this.createNetwork(spec)),
      inspect: op("networks.inspect", (id: string) => {
        const network = this.network(id);
        const attached = [...this.state.containers.values()].filter((c) =>
          c.attached.has(network.Name),
        );
        return {
          Name: network.Name,
          Containers: Object.fromEntries(attached.map((c) => [c.id, { Name: c.spec.name }])),
        };
      }),
      remove: op("networks.remove", (id: string) => {
        const network = this.network(id);
        const attached = [...this.state.containers.values()].some((c) =>
          c.attached.has(network.Name),
        );
        if (attached || network.staleEndpoint) {
          throw new EngineRequestError(
            403,
            `error while removing network: network ${network.Name} id ${network.Id} has active endpoints`,
          );
        }
        this.state.networks.delete(network.Id);
      }),
      connect: op("networks.connect", (network: string, container: string, address: string) => {
        this.container(container).attached.set(this.network(network).Name, address);
      }),
    };
    this.containers = {
      list: op("containers.list", (filter?: LabelFilter & { all?: boolean; size?: boolean }) =>
        [...this.state.containers.values()]
          .filter((c) => (filter?.all || c.state === "running") && matches(c.spec.Labels, filter))
          .map(
            (c): ContainerSummary => ({
              Id: c.id,
              Names: [`/${c.spec.name}`],
              Labels: c.spec.Labels ?? {},
              ImageID: c.imageId,
              State: c.state,
              Status: c.state,
              ...(filter?.size ? { SizeRw: c.writtenBytes ?? 0 } : {}),
            }),
          ),
      ),
      create: op("containers.create", (spec: ContainerSpec) => this.createContainer(spec)),
      start: op("containers.start", (id: string) => {
        const container = this.container(id);
        if (container.state === "running") throw new EngineRequestError(304, "already started");
        container.state = "running";
        container.startedAt = new Date(this.now()).toISOString();
        this.starts.push(container.spec.name);
      }),
      stop: op("containers.stop", (id: string) => {
        const container = this.container(id);
        if (container.state !== "running") throw new EngineRequestError(304, "not running");
        container.state = "exited";
      }),
      remove: op("containers.remove", (id: string) => {
        this.state.containers.delete(this.container(id).id);
      }),
      inspect: op("containers.inspect", (id: string): ContainerDetails => {
        const container = this.container(id);
        return {
          Id: container.id,
          Image: container.imageId,
          State: {
            Running: container.state === "running",
            ExitCode: 0,
            StartedAt: container.startedAt,
          },
          Config: { Cmd: container.spec.Cmd ?? null },
        };
      }),
      logs: op("containers.logs", (id: string) =>
        frame(1, this.state.logs.get(this.container(id).id) ?? ""),
      ),
      putArchive: op("containers.putArchive", (id: string, archive: Buffer, path: string) => {
        this.container(id).archives.push({ path, archive });
      }),
    };
    this.volumes = {
      list: op("volumes.list", (filter?: LabelFilter) =>
        [...this.state.volumes.values()].filter((v) => matches(v.Labels, filter)),
      ),
      create: op("volumes.create", (spec: { Name: string; Labels: Record<string, string> }) => {
        if (this.state.volumes.has(spec.Name)) return;
        const CreatedAt = new Date(this.now()).toISOString();
        this.state.volumes.set(spec.Name, { ...spec, CreatedAt });
      }),
      inspect: op("volumes.inspect", (name: string) => {
        const volume = this.state.volumes.get(name);
        if (!volume) throw notFound("volume", name);
        return volume;
      }),
      remove: op("volumes.remove", (name: string) => {
        if (!this.state.volumes.delete(name)) throw notFound("volume", name);
      }),
    };
    this.exec = {
      start: op("exec.start", (id: string, spec: ExecSpec) => this.startExec(id, spec)),
    };
    this.images = {
      inspect: op("images.inspect", (reference: string) => {
        const image = this.state.images.get(reference);
        if (!image) throw notFound("image", reference);
        return image;
      }),
      save: op("images.save", (reference: string) => {
        const image = this.state.images.get(reference);
        if (!image) throw notFound("image", reference);
        return Readable.from([Buffer.from(JSON.stringify({ reference, ...image }))]);
      }),
      load: op("images.load", async (archive: NodeJS.ReadableStream) => {
        let text = "";
        for await (const chunk of archive) text += chunk.toString();
        const { reference, Id, Labels, Created } = JSON.parse(text);
        this.state.images.set(reference, { Id, Labels, Created });
        return Readable.from([Buffer.from(`{"stream":"Loaded image: ${reference}\\n"}\n`)]);
      }),
      build: op("images.build", (_context, options) => {
        this.addImage(options.tag, options.labels);
        return Readable.from([Buffer.from(`{"stream":"Successfully tagged ${options.tag}\\n"}\n`)]);
      }),
      pull: op("images.pull", (reference: string) => {
        throw notFound("image", reference);
      }),
      import: op("images.import", (_rootfs, reference: string) => {
        this.addImage(reference);
        return Readable.from([Buffer.from(`{"status":"sha256:imported"}\n`)]);
      }),
    };
  }

  async ping(): Promise<void> {
    this.calls.push("ping");
    if (this.down !== null) throw new Error(this.down);
    const failure = this.failing.get("ping");
    if (failure) throw failure;
  }

  /** Every call fails with `reason` (as with a socket nobody listens on), until `up()`. */
  takeDown(reason = "connect ECONNREFUSED /run/memory-engine.sock"): void {
    this.down = reason;
  }

  up(): void {
    this.down = null;
  }

  /** How many times `name` was asked. */
  count(name: string): number {
    return this.calls.filter((call) => call === name).length;
  }

  addImage(reference: string, labels: Record<string, string> = {}): string {
    const Id = `sha256:${createHash("sha256").update(`${reference} ${hexId()}`).digest("hex")}`;
    this.state.images.set(reference, {
      Id,
      Labels: labels,
      Created: new Date(this.now()).toISOString(),
    });
    return Id;
  }

  /** A network by id or name. */
  network(idOrName: string): MemoryNetwork {
    const network =
      this.state.networks.get(idOrName) ??
      [...this.state.networks.values()].find((n) => n.Name === idOrName);
    if (!network) throw notFound("network", idOrName);
    return network;
  }

  /** A container by id or name. */
  container(idOrName: string): MemoryContainer {
    const container =
      this.state.containers.get(idOrName) ??
      [...this.state.containers.values()].find((c) => c.spec.name === idOrName);
    if (!container) throw notFound("container", idOrName);
    return container;
  }

  private createNetwork(spec: Parameters<NetworkClient["create"]>[0]): void {
    if ([...this.state.networks.values()].some((n) => n.Name === spec.Name)) {
      throw new EngineRequestError(409, `network with name ${spec.Name} already exists`);
    }
    const wanted = parseCidrLoose(spec.Subnet);
    for (const network of this.state.networks.values()) {
      for (const { Subnet } of network.IPAM?.Config ?? []) {
        const taken = Subnet ? parseCidrLoose(Subnet) : null;
        if (wanted && taken && overlaps(wanted, taken)) {
          throw new EngineRequestError(403, "Pool overlaps with other one on this address space");
        }
      }
    }
    const Id = hexId();
    this.state.networks.set(Id, {
      Id,
      Name: spec.Name,
      Labels: spec.Labels,
      Options: spec.Options,
      IPAM: { Config: [{ Subnet: spec.Subnet }] },
    });
  }

  private createContainer(spec: ContainerSpec): string {
    if ([...this.state.containers.values()].some((c) => c.spec.name === spec.name)) {
      throw new EngineRequestError(409, `Conflict. The container name "/${spec.name}" is in use`);
    }
    const image = this.state.images.get(spec.Image);
    if (!image) throw notFound("image", spec.Image);
    const attached = new Map<string, string>();
    const mode = spec.HostConfig.NetworkMode;
    if (!["host", "bridge", "none"].includes(mode)) {
      const address = spec.NetworkingConfig?.EndpointsConfig[mode]?.IPAMConfig.IPv4Address ?? "";
      attached.set(this.network(mode).Name, address);
    }
    const id = hexId();
    this.state.containers.set(id, {
      id,
      spec,
      imageId: image.Id,
      state: "created",
      startedAt: "0001-01-01T00:00:00Z",
      attached,
      archives: [],
    });
    return id;
  }

  private startExec(id: string, spec: ExecSpec) {
    const container = this.container(id);
    if (container.state !== "running") {
      throw new EngineRequestError(409, `Container ${id} is not running`);
    }
    const { exitCode, stdout = "", stderr = "" } = this.onExec(container, spec);
    const stream = new PassThrough();
    let demuxed = false;
    // Output goes out once the caller has chosen how to read it: demuxed, or (TTY) as it is.
    setImmediate(() => {
      if (!demuxed) stream.end(stdout + stderr);
    });
    return {
      stream,
      demux: async (out: Writable, err: Writable) => {
        demuxed = true;
        if (stdout) out.write(stdout);
        if (stderr) err.write(stderr);
        stream.resume();
        stream.end();
      },
      resize: async () => {},
      inspect: async () => ({ Running: false, Pid: 1, ExitCode: exitCode }),
    };
  }
}
