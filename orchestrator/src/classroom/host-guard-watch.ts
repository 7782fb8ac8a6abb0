// Keeps the host guard's promise on every engine (runtime/release.ts): at the service's start
// and at every sweep, the lab nodes an engine started since the last look (all of them after an
// engine restart or a reboot, or when the service starts) get their lab's host rules back, and
// then may run. Every lab's rules go back too when the guard itself was restarted (its catch-all
// is back at once, but an iptables flush took each lab's rules and hub mode with it).
import type { Engines } from "../engines/engines.ts";
import { type Engine, errorMessage } from "../runtime/engine.ts";
import { guardStartedAt, releaseNodes, startedNodes } from "../runtime/release.ts";
import type { Log } from "./log.ts";

export class HostGuardWatch {
  readonly name = "host guard";
  private readonly engines: Engines;
  private readonly log: Log;
  /** Engine name -> container id -> the start of it whose gate was opened. */
  private readonly released = new Map<string, Map<string, string>>();
  /** Engine name -> the guard's start the labs' rules were last put back after. */
  private readonly guards = new Map<string, string>();

  constructor(engines: Engines, log: Log) {
    this.engines = engines;
    this.log = log;
  }

  /** One look at every engine; an engine that does not answer is looked at next time. */
  async run(): Promise<void> {
    await Promise.all(
      this.engines
        .list()
        .map(({ spec, engine }) =>
          this.look(spec.name, engine).catch((error: unknown) =>
            this.log.error(
              { engine: spec.name, err: errorMessage(error) },
              "host guard look failed",
            ),
          ),
        ),
    );
  }

  private async look(name: string, engine: Engine): Promise<void> {
    const [guard, nodes] = await Promise.all([guardStartedAt(engine), startedNodes(engine)]);
    const seen = this.released.get(name) ?? new Map<string, string>();
    const guardRestarted = guard === null || this.guards.get(name) !== guard;
    const pending = guardRestarted ? nodes : nodes.filter((n) => seen.get(n.id) !== n.startedAt);
    const byLab = new Map<string, typeof pending>();
    for (const node of pending) byLab.set(node.lab, [...(byLab.get(node.lab) ?? []), node]);
    const released = new Map(
      nodes.filter((n) => seen.has(n.id)).map((n) => [n.id, seen.get(n.id) as string]),
    );
    for (const [lab, labNodes] of byLab) {
      try {
        await releaseNodes(
          engine,
          lab,
          labNodes.map((n) => n.id),
        );
        for (const node of labNodes) released.set(node.id, node.startedAt);
      } catch (error) {
        this.log.error({ engine: name, lab, err: errorMessage(error) }, "host rules not put back");
      }
    }
    // Only the engine's present nodes are kept: the map stays the size of the engine.
    this.released.set(name, released);
    if (byLab.size > 0) this.log.info({ engine: name, labs: [...byLab.keys()] }, "host rules back");
    // The guard may have been started by the releases themselves.
    const after = guard ?? (await guardStartedAt(engine));
    if (after !== null) this.guards.set(name, after);
  }
}
