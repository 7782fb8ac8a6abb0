// A source of engines other than a list: the pool asks it for the engines there are now each time
// it looks at its engines, so that an engine that appears joins without anyone adding it.
import type { SwarmManager } from "../runtime/docker/port.ts";
import type { EngineSpec } from "./spec.ts";
import { type SwarmSettings, swarmEngines } from "./swarm.ts";

export interface EngineSource {
  /** What the source names the pool after (errors, logs). */
  readonly name: string;
  /** The engines, and why some of what the source lists cannot be engines. */
  engines(): Promise<{ specs: EngineSpec[]; problems: string[] }>;
}

/** The nodes of a Docker Swarm, listed by one of its managers (swarm.ts). */
export class SwarmSource implements EngineSource {
  readonly name = "swarm";
  private readonly manager: SwarmManager;
  private readonly settings: SwarmSettings;

  constructor(manager: SwarmManager, settings: SwarmSettings) {
    this.manager = manager;
    this.settings = settings;
  }

  async engines(): Promise<{ specs: EngineSpec[]; problems: string[] }> {
    const listed = swarmEngines(await this.manager.nodes(), this.settings);
    return {
      specs: listed.flatMap((e) => (e.ok ? [e.spec] : [])),
      problems: listed.flatMap((e) => (e.ok ? [] : [e.reason])),
    };
  }
}
