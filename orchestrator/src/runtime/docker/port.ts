// The Docker engine as socketlab uses it: one small client per concern (networks, containers,
// volumes, exec, images), holding only the operations runtime/ and engines/ call. The shapes
// follow Docker's API (its field names), cut down to the fields read here. One adapter speaks
// them through dockerode (dockerode.ts); unit tests use an in-memory engine instead.
import type { Duplex, Writable } from "node:stream";

/** A request the engine refused: Docker's status code (404: no such object) and its message. */
export class EngineRequestError extends Error {
  readonly statusCode: number;
  constructor(statusCode: number, message: string) {
    super(message);
    this.statusCode = statusCode;
  }
}

/** Objects with every label of `labels` ("key" or "key=value"). */
export interface LabelFilter {
  labels?: string[];
}

export interface NetworkSummary {
  Id: string;
  Name: string;
  Labels?: Record<string, string>;
  Options?: Record<string, string>;
  IPAM?: { Config?: { Subnet?: string }[] };
}

export interface NetworkSpec {
  Name: string;
  Internal: boolean;
  Subnet: string;
  Gateway: string;
  Options: Record<string, string>;
  Labels: Record<string, string>;
}

export interface NetworkClient {
  list(filter?: LabelFilter): Promise<NetworkSummary[]>;
  /** A bridge network with one IPv4 subnet; 409/403 "overlaps" when the subnet is taken. */
  create(spec: NetworkSpec): Promise<void>;
  /** The network with the containers attached to it (by container id). */
  inspect(id: string): Promise<{ Name: string; Containers?: Record<string, unknown> }>;
  remove(id: string): Promise<void>;
  /** Attaches a created container with a fixed address. */
  connect(network: string, container: string, address: string): Promise<void>;
}

export interface ContainerSummary {
  Id: string;
  Names: string[];
  Labels?: Record<string, string>;
  ImageID: string;
  State: string;
  Status: string;
  /** The writable layer's size in bytes: only when the list was asked `size: true`. */
  SizeRw?: number;
}

export interface ContainerDetails {
  Id: string;
  Image: string;
  /** StartedAt changes when the engine restarts the container. */
  State: { Running: boolean; ExitCode: number; StartedAt: string };
  Config: { Cmd: string[] | null };
}

/** Docker's container creation body, cut down to what socketlab sets. */
export interface ContainerSpec {
  name: string;
  Image: string;
  Hostname?: string;
  Cmd?: string[];
  Entrypoint?: string[];
  Env?: string[];
  Labels?: Record<string, string>;
  HostConfig: {
    Init?: boolean;
    NetworkMode: string;
    CapAdd?: string[];
    Sysctls?: Record<string, string>;
    ExtraHosts?: string[];
    /** Upstream resolvers of the embedded DNS (127.0.0.11) on user-defined networks. */
    Dns?: string[];
    Memory?: number;
    MemorySwap?: number;
    NanoCpus?: number;
    PidsLimit?: number;
    RestartPolicy?: { Name: string };
    /** Mount point -> tmpfs options. */
    Tmpfs?: Record<string, string>;
  };
  NetworkingConfig?: {
    EndpointsConfig: Record<string, { IPAMConfig: { IPv4Address: string } }>;
  };
}

export interface ContainerClient {
  /** `size`: with each writable layer's size (the engine measures each one: costly). */
  list(filter?: LabelFilter & { all?: boolean; size?: boolean }): Promise<ContainerSummary[]>;
  /** Creates the container (not started); its id. 409 when the name is taken. */
  create(spec: ContainerSpec): Promise<string>;
  /** 304 when it runs already. */
  start(id: string): Promise<void>;
  /** SIGTERM, SIGKILL after `graceSeconds`; 304 when it is not running. */
  stop(id: string, graceSeconds: number): Promise<void>;
  /** Removes it even when it runs, with its anonymous volumes. */
  remove(id: string): Promise<void>;
  inspect(id: string): Promise<ContainerDetails>;
  /** The last `lines` of its output, stdout and stderr as Docker multiplexes them (no TTY). */
  logs(id: string, lines: number): Promise<Buffer>;
  /** Unpacks a tar archive at `path` in the container. */
  putArchive(id: string, archive: Buffer, path: string): Promise<void>;
}

export interface VolumeSummary {
  Name: string;
  Labels?: Record<string, string>;
  /** When it was created (RFC 3339). */
  CreatedAt?: string;
}

export interface VolumeClient {
  list(filter?: LabelFilter): Promise<VolumeSummary[]>;
  create(spec: { Name: string; Labels: Record<string, string> }): Promise<void>;
  inspect(name: string): Promise<VolumeSummary>;
  remove(name: string): Promise<void>;
}

export interface ExecSpec {
  command: string[];
  /** Default: the container's user. */
  user?: string;
  env?: string[];
  /** A TTY: one stream of the terminal's bytes both ways. Without: stdout and stderr apart. */
  tty: boolean;
  /** Whether the caller writes to the command's stdin. */
  stdin: boolean;
}

export interface ExecState {
  Running: boolean;
  /** The process's pid on the host; 0 when it never started. */
  Pid: number;
  ExitCode: number | null;
}

export interface ExecSession {
  /** The command's I/O; without a TTY its output is multiplexed (see `demux`). */
  stream: Duplex;
  /**
   * Without a TTY: splits the output into stdout and stderr, reading no faster than they drain.
   * Resolves once the output has ended and all of it was handed over; rejects when the stream
   * fails.
   */
  demux(stdout: Writable, stderr: Writable): Promise<void>;
  /** A TTY's size; refused until the command runs. */
  resize(cols: number, rows: number): Promise<void>;
  inspect(): Promise<ExecState>;
}

export interface ExecClient {
  /** Starts `spec.command` in the container. */
  start(container: string, spec: ExecSpec): Promise<ExecSession>;
}

export interface ImageClient {
  /** The image's id, labels and when it was made (RFC 3339); 404 when the engine lacks it. */
  inspect(
    reference: string,
  ): Promise<{ Id: string; Labels: Record<string, string>; Created: string }>;
  /** The image as a `docker save` tar stream. */
  save(reference: string): Promise<NodeJS.ReadableStream>;
  /** Loads a `docker save` stream; the answer streams progress (errors in its messages). */
  load(archive: NodeJS.ReadableStream): Promise<NodeJS.ReadableStream>;
  /** Builds from a folder; the answer streams Docker's JSON progress lines. */
  build(
    context: { dir: string; files: string[] },
    options: {
      tag: string;
      buildargs: Record<string, string>;
      labels: Record<string, string>;
      nocache: boolean;
    },
  ): Promise<NodeJS.ReadableStream>;
  /** Pulls from a registry; the answer streams progress. */
  pull(reference: string): Promise<NodeJS.ReadableStream>;
  /** Makes an image `reference` of a root file system's tar stream; the answer streams progress. */
  import(rootfs: NodeJS.ReadableStream, reference: string): Promise<NodeJS.ReadableStream>;
}

/** A Docker engine. */
export interface Engine {
  /** Resolves when the engine answers. */
  ping(): Promise<void>;
  readonly networks: NetworkClient;
  readonly containers: ContainerClient;
  readonly volumes: VolumeClient;
  readonly exec: ExecClient;
  readonly images: ImageClient;
}

/** What socketlab reads of a node in a swarm manager's node listing (Docker's `GET /nodes`). */
export interface SwarmNode {
  ID: string;
  Spec?: { Labels?: Record<string, string>; Availability?: string; Role?: string };
  Description?: { Hostname?: string };
  Status?: { Addr?: string };
  ManagerStatus?: { Leader?: boolean; Addr?: string };
}

/** A swarm manager's API: the swarm's nodes. */
export interface SwarmManager {
  nodes(): Promise<SwarmNode[]>;
}
