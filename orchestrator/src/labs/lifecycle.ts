// The life of a lab instance: bring it up (or converge it), reset nodes or all of it, take it
// down. Everything is found again from the engine, so any process can pick up where another
// left off.
import { randomBytes } from "node:crypto";
import { setTimeout } from "node:timers/promises";
import { subnetPool } from "../config.ts";
import { validateLabId } from "../plan/naming.ts";
import { planLab } from "../plan/plan.ts";
import type { LabPlan, NodePlan } from "../plan/types.ts";
import { labValues } from "../plan/values.ts";
import {
  type ConvergeProgress,
  type ConvergeReport,
  converge,
  prepareNetworks,
  recreateNodes,
  startNodes,
} from "../runtime/converge.ts";
import type { OutdatedNodes } from "../runtime/converge-decisions.ts";
import { type Engine, errorMessage } from "../runtime/engine.ts";
import { engineSubnets, labInventory } from "../runtime/inventory.ts";
import { readLabRecord } from "../runtime/lab-record.ts";
import { SubnetConflictError } from "../runtime/networks.ts";
import { NO_CLOCK, type PhaseClock } from "../runtime/phase-clock.ts";
import { destroyLab, removeLabNodes } from "../runtime/teardown.ts";
import type { Topology } from "../topology/model.ts";
import { serialized } from "./serialize.ts";

/**
 * What a person can do about a lab's error, for each front end to phrase (the CLI names its
 * command): look at the lab's status, take the lab down, or reset one of its nodes.
 */
export type LabRemedy =
  | { action: "status"; lab: string }
  | { action: "down"; lab: string }
  | { action: "reset"; lab: string; node: string };

/** A lab error whose message is written for users, with what they can do about it. */
abstract class LabError extends Error {
  readonly remedy: LabRemedy | undefined;
  constructor(message: string, options: { cause?: unknown; remedy?: LabRemedy } = {}) {
    super(message, "cause" in options ? { cause: options.cause } : undefined);
    this.remedy = options.remedy;
  }
}

/** A request that cannot be carried out as asked; nothing was changed. */
export class LabRequestError extends LabError {}

/** Bringing a lab up failed part-way; the message says what failed and what was left. */
export class LabUpError extends LabError {}

export interface UpRequest {
  lab: string;
  owner: string;
  /**
   * What becomes of an existing node whose image was rebuilt since its container was made:
   * `recreate` (the default, the operator's `up`) or `keep`.
   */
  outdated?: OutdatedNodes;
  /** Told of each network made and each node created, started and ready. */
  progress?: ConvergeProgress;
  /** Times each phase (`socketlab up --timings`, the service's debug log). */
  clock?: PhaseClock;
}

export interface UpResult {
  plan: LabPlan;
  report: ConvergeReport;
}

const PLAN_ATTEMPTS = 5;

export async function upLab(
  engine: Engine,
  topology: Topology,
  request: UpRequest,
): Promise<UpResult> {
  const labError = validateLabId(request.lab);
  if (labError) throw new LabRequestError(labError);
  const record = await readLabRecord(engine, request.lab);
  if (record && record.topology !== topology.name) {
    throw new LabRequestError(
      `lab ${request.lab} runs topology '${record.topology}', not '${topology.name}'; take it down first`,
    );
  }
  if (record && record.owner !== request.owner) {
    throw new LabRequestError(
      `lab ${request.lab} belongs to '${record.owner}', not '${request.owner}'`,
    );
  }
  try {
    return await bringUp(engine, topology, request);
  } catch (error) {
    if (!record) throw await rollBack(engine, request.lab, error);
    if (error instanceof LabRequestError) throw error;
    // The lab existed before this request, and may hold a student's work: a node that no longer
    // comes up is no reason to throw the rest away. It stays as the failure left it; its status
    // shows what is off, and another up or a reset can repair it.
    throw new LabUpError(
      `lab ${request.lab} did not converge: ${errorMessage(error)}\n(the lab is left as it is; its status shows what is off)`,
      { cause: error, remedy: { action: "status", lab: request.lab } },
    );
  }
}

async function bringUp(engine: Engine, topology: Topology, request: UpRequest): Promise<UpResult> {
  const clock = request.clock ?? NO_CLOCK;
  const prepared = await serialized(engine, async () => {
    // Labs planned in this process take turns; another process may still take a subnet between
    // planning and creating: plan again, after a random pause so that two retries part ways.
    for (let attempt = 1; ; attempt++) {
      const plan = await planOnEngine(engine, topology, request, clock);
      try {
        return await prepareNetworks(
          engine,
          plan,
          request.outdated ?? "recreate",
          request.progress,
          clock,
        );
      } catch (error) {
        if (!(error instanceof SubnetConflictError) || attempt >= PLAN_ATTEMPTS) throw error;
        await setTimeout(50 + Math.random() * 250);
      }
    }
  });
  const report = await startNodes(engine, prepared, request.progress, clock);
  return { plan: prepared.plan, report };
}

/**
 * A new lab that failed to come up is removed whole (containers, networks, host rules, record):
 * a half-built lab would hold subnets and a place on the engine, and look like a lab to others.
 * Returns the error to throw.
 */
async function rollBack(engine: Engine, lab: string, error: unknown): Promise<Error> {
  try {
    await destroyLab(engine, lab);
  } catch (cleanupError) {
    return new LabUpError(
      `lab ${lab} could not be brought up: ${errorMessage(error)}\nremoving what it had created failed too (${errorMessage(cleanupError)}); take the lab down to finish`,
      { cause: error, remedy: { action: "down", lab } },
    );
  }
  // A refusal (no free subnet, say) already tells the user what to change.
  if (error instanceof LabRequestError) return error;
  return new LabUpError(
    `lab ${lab} could not be brought up: ${errorMessage(error)}\n(everything it had created was removed)`,
    { cause: error },
  );
}

async function planOnEngine(
  engine: Engine,
  topology: Topology,
  request: UpRequest,
  clock: PhaseClock,
): Promise<LabPlan> {
  const [subnets, inventory, record] = await clock.time("subnet claims", () =>
    Promise.all([
      engineSubnets(engine),
      labInventory(engine, request.lab),
      readLabRecord(engine, request.lab),
    ]),
  );
  const existing = Object.fromEntries(
    inventory.networks.filter((n) => n.subnet).map((n) => [n.name, n.subnet as string]),
  );
  const result = await clock.time("planning", async () =>
    planLab(topology, {
      lab: request.lab,
      owner: request.owner,
      pool: subnetPool(),
      taken: subnets.filter((s) => s.lab !== request.lab).map((s) => s.subnet),
      existing,
      values: labValues(topology.values, record?.values ?? {}, randomBytes),
    }),
  );
  if (!result.ok) throw new LabRequestError(result.error);
  return result.plan;
}

export async function requireRecord(engine: Engine, lab: string): Promise<LabPlan> {
  const plan = await readLabRecord(engine, lab);
  if (!plan) throw new LabRequestError(`no lab '${lab}' on this engine`);
  return plan;
}

/**
 * Recreates nodes from their images (pristine file systems, same addresses); none named: every
 * node. Other nodes are left as they are, outdated, stopped or not: a named reset does no work
 * on them (see recreateNodes).
 */
export async function resetNodes(
  engine: Engine,
  lab: string,
  nodes: string[],
  progress?: ConvergeProgress,
): Promise<ConvergeReport> {
  const plan = await requireRecord(engine, lab);
  const unknown = nodes.filter((name) => !plan.nodes.some((n) => n.name === name));
  if (unknown.length > 0) {
    throw new LabRequestError(
      `lab ${lab} has no node ${unknown.join(", ")}; its nodes: ${plan.nodes.map((n) => n.name).join(", ")}`,
    );
  }
  if (nodes.length > 0) return recreateNodes(engine, plan, nodes, progress);
  await removeLabNodes(engine, lab);
  return converge(engine, plan, "keep", progress);
}

/** Takes a lab down entirely; a lab that is not there is not an error. */
export async function downLab(engine: Engine, lab: string): Promise<void> {
  const labError = validateLabId(lab);
  if (labError) throw new LabRequestError(labError);
  await destroyLab(engine, lab);
}

/** The id of a lab node's container, for exec and terminals. */
export async function nodeContainer(engine: Engine, lab: string, node: string): Promise<string> {
  return (await runningNode(engine, lab, node)).container;
}

/** A running node of the lab: its container's id and its plan (terminals need its `user`). */
export async function runningNode(
  engine: Engine,
  lab: string,
  node: string,
): Promise<{ container: string; plan: NodePlan }> {
  const record = await requireRecord(engine, lab);
  const plan = record.nodes.find((n) => n.name === node);
  if (!plan) {
    throw new LabRequestError(
      `lab ${lab} has no node '${node}'; its nodes: ${record.nodes.map((n) => n.name).join(", ")}`,
    );
  }
  const inventory = await labInventory(engine, lab);
  const container = inventory.containers.find((c) => c.name === node);
  if (container?.state !== "running") {
    throw new LabRequestError(`node ${node} of lab ${lab} is not running; reset it`, {
      remedy: { action: "reset", lab, node },
    });
  }
  return { container: container.id, plan };
}
