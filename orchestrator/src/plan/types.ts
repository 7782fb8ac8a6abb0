// A plan is everything the runtime needs to build one lab instance, computed without I/O.
// It is plain JSON: the runtime stores each object's part of it in a Docker label, so that a
// fresh process can reset a node or a lab from what it finds on the engine alone.
import type { CheckDef, FileDef, Limits, ReadyCheck } from "../topology/model.ts";

/** Label keys on every Docker object socketlab creates. */
export const LABELS = {
  /** Marks an object as socketlab's; its value is the plan format version. */
  managed: "io.socketlab.managed",
  lab: "io.socketlab.lab",
  owner: "io.socketlab.owner",
  topology: "io.socketlab.topology",
  node: "io.socketlab.node",
  network: "io.socketlab.network",
  /** Hash of the object's spec: `up` recreates an object whose hash changed. */
  hash: "io.socketlab.hash",
  /** The object's spec as JSON (NodePlan or NetworkPlan). */
  spec: "io.socketlab.spec",
} as const;

export const PLAN_FORMAT = "1";

export interface NetworkPlan {
  /** The network's name in the topology. */
  name: string;
  /** The Docker network's name, unique on the engine. */
  dockerName: string;
  /** Linux bridge interface name (at most 15 characters), so host rules can name it. */
  bridgeName: string;
  /** The instance's subnet, `10.200.3.0/24`. */
  subnet: string;
  /** The bridge's address: Docker gives it the subnet's first address. */
  gateway: string;
  sniffable: boolean;
  labels: Record<string, string>;
  hash: string;
}

export interface EndpointPlan {
  network: string;
  dockerNetwork: string;
  address: string;
}

export interface NodePlan {
  name: string;
  containerName: string;
  hostname: string;
  image: string;
  /** In topology order; the first is attached at creation, the others before start. */
  endpoints: EndpointPlan[];
  env: string[];
  /** `name:address` for every other node of the lab, as Docker's ExtraHosts. */
  extraHosts: string[];
  /**
   * Where Docker's embedded resolver forwards what it does not know itself (Docker's `Dns`):
   * plan/resolver.ts. Records written before it existed have none (containers.ts fills it in).
   */
  dns?: string[];
  files: FileDef[];
  /** The topology's start commands, in order. */
  start: string[];
  /** The container's command: runs the start commands, then waits. */
  command: string[];
  capabilities: string[];
  sysctls: Record<string, string>;
  limits: Limits;
  ready: ReadyCheck | null;
  after: string[];
  /** The account browser terminals log in as; records written before it existed have none. */
  user?: string;
  labels: Record<string, string>;
  hash: string;
}

export interface LabPlan {
  lab: string;
  owner: string;
  topology: string;
  networks: NetworkPlan[];
  nodes: NodePlan[];
  /** Node names grouped so that each group depends only on earlier groups. */
  startWaves: string[][];
  /**
   * The topology's checks, kept in the lab record so that any process can run them. Records
   * written before checks existed have none.
   */
  checks?: CheckDef[];
  /** The lab's own random values (topology `values`), by name; none in older records. */
  values?: Record<string, string>;
}

export interface PlanRequest {
  lab: string;
  owner: string;
  /** Where instance subnets come from. */
  pool: string[];
  /** Subnets in use on the engine by anything else: never allocated. */
  taken: string[];
  /** Subnets this lab already has (network name -> subnet): kept, so `up` converges. */
  existing: Record<string, string>;
  /** The lab's value for each of the topology's `values` (plan/values.ts makes them). */
  values?: Record<string, string>;
}
