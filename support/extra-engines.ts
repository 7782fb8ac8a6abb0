// Extra Docker engines on this machine, for tests and benchmarks of a pool of engines: each is a
// dockerd of its own (own data root, exec root, containerd and socket) in a network namespace of
// its own, so that its bridges, iptables rules and host guard never meet the default engine's
// (PLATFORM.md: `ip netns exec` fails here, `nsenter --net=...` works). Needs root. The shared
// default engine is only read from (images are copied out of it), never restarted.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import Docker from "dockerode";
import { copyImage } from "../orchestrator/src/engines/images.ts";
import { dockerodeEngine } from "../orchestrator/src/runtime/docker/dockerode.ts";
import { connectEngine, type Engine } from "../orchestrator/src/runtime/engine.ts";

const run = promisify(execFile);

const DATA_ROOT = "/var/lib/socketlab-test-engines";
const RUN_ROOT = "/run/socketlab-test-engines";
const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 60_000;

export interface ExtraEngineOptions {
  /**
   * The engine's /etc/resolv.conf: where it finds its upstream DNS. dockerd then runs in a mount
   * namespace of its own, in which this file is bind-mounted over the machine's.
   */
  resolvConf?: string;
}

export class ExtraEngine {
  readonly name: string;
  readonly netns: string;
  readonly dataRoot: string;
  readonly execRoot: string;
  readonly socket: string;
  readonly pidfile: string;
  readonly log: string;
  /** The engine's own /etc/resolv.conf, when it has one. */
  readonly resolvConf: string | null;
  /** `unix:///run/...sock`, as an engines file names it. */
  readonly host: string;
  /** The engine as socketlab speaks to it. */
  readonly engine: Engine;
  /** The engine through Docker's own client, for what tests look at beyond that. */
  readonly docker: Docker;
  /** An address in the namespace where dockerd also serves its API over TCP (port 2375). */
  tcpAddress: string | null = null;
  private process: ChildProcess | null = null;

  private readonly resolvConfText: string | null;

  constructor(name: string, options: ExtraEngineOptions = {}) {
    this.name = name;
    this.netns = `sl-test-${name}`;
    this.dataRoot = `${DATA_ROOT}/${name}`;
    this.execRoot = `${RUN_ROOT}/${name}`;
    this.socket = `${RUN_ROOT}/${name}.sock`;
    this.pidfile = `${RUN_ROOT}/${name}.pid`;
    this.log = `${RUN_ROOT}/${name}.log`;
    this.resolvConfText = options.resolvConf ?? null;
    this.resolvConf = this.resolvConfText === null ? null : `${RUN_ROOT}/${name}.resolv.conf`;
    this.host = `unix://${this.socket}`;
    this.docker = new Docker({ socketPath: this.socket });
    this.engine = dockerodeEngine({ socketPath: this.socket });
  }

  /** Starts dockerd in the namespace (made first when missing) and waits until it answers. */
  async start(): Promise<void> {
    await mkdir(this.dataRoot, { recursive: true });
    await mkdir(this.execRoot, { recursive: true });
    if (this.resolvConf !== null) await writeFile(this.resolvConf, this.resolvConfText ?? "");
    await this.ensureNetns();
    const deadline = Date.now() + START_TIMEOUT_MS;
    this.spawnDockerd();
    for (;;) {
      if (await this.answers()) return;
      if (Date.now() > deadline) {
        throw new Error(`extra engine ${this.name} did not start; see ${this.log}`);
      }
      // After a SIGKILL the engine's old containerd may still be winding down, and the new
      // dockerd gives up waiting for its own ("timeout waiting for containerd to start"):
      // start it again until the deadline.
      if (this.process?.exitCode !== null) this.spawnDockerd();
      await sleep(250);
    }
  }

  /** Makes the engine's network namespace, with its loopback up, when it is missing. */
  async ensureNetns(): Promise<void> {
    if (existsSync(`/run/netns/${this.netns}`)) return;
    await run("ip", ["netns", "add", this.netns]);
    await run("nsenter", [`--net=/run/netns/${this.netns}`, "ip", "link", "set", "lo", "up"]);
  }

  private spawnDockerd(): void {
    const log = openSync(this.log, "a");
    // nsenter without --fork execs dockerd: the child is dockerd itself.
    const dockerd = [
      "nsenter",
      `--net=/run/netns/${this.netns}`,
      "dockerd",
      "--data-root",
      this.dataRoot,
      "--exec-root",
      this.execRoot,
      "--pidfile",
      this.pidfile,
      "-H",
      this.host,
      ...(this.tcpAddress ? ["-H", `tcp://${this.tcpAddress}:2375`] : []),
      "--cgroup-parent",
      `socketlab-test-${this.name}`,
    ];
    // unshare without --fork execs too: its own /etc/resolv.conf is dockerd's alone.
    const [command, ...args] =
      this.resolvConf === null
        ? dockerd
        : [
            "unshare",
            "--mount",
            "--propagation",
            "private",
            "sh",
            "-c",
            'mount --bind "$0" /etc/resolv.conf && exec "$@"',
            this.resolvConf,
            ...dockerd,
          ];
    this.process = spawn(command as string, args, {
      detached: true,
      stdio: ["ignore", log, log],
    });
    this.process.unref();
    closeSync(log);
  }

  async answers(): Promise<boolean> {
    return this.engine.ping().then(
      () => true,
      () => false,
    );
  }

  /** dockerd's pid, from its pid file (also after a restart by another process). */
  async pid(): Promise<number | null> {
    const text = await readFile(this.pidfile, "utf8").catch(() => "");
    const pid = Number(text.trim());
    return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : null;
  }

  /** SIGKILLs dockerd: the engine stops answering at once (its containerd lives on). */
  async kill(): Promise<void> {
    const pid = await this.pid();
    if (pid) process.kill(pid, "SIGKILL");
    await waitGone(pid);
  }

  /** Stops dockerd as an engine restart does (SIGTERM), then starts it again. */
  async restart(): Promise<void> {
    await this.terminate();
    await this.start();
  }

  /** Stops dockerd as an engine restart or a shutdown does (SIGTERM); `start` brings it back. */
  async stop(): Promise<void> {
    await this.terminate();
  }

  /** Copies images from the default engine (or `source`). */
  async load(images: string[], source?: Engine): Promise<void> {
    const from = source ?? (await connectEngine());
    for (const image of images) await copyImage(from, this.engine, image);
  }

  /**
   * Removes everything: the engine's containers, then dockerd, the processes left in its
   * namespace (containerd, shims), mounts, the namespace and the data. An engine that was killed
   * is started once more, so that it removes its containers itself.
   */
  async destroy(): Promise<void> {
    if (existsSync(this.dataRoot) && !(await this.answers())) {
      await this.terminate();
      await this.start().catch(() => {});
    }
    if (await this.answers()) {
      const containers = await this.docker.listContainers({ all: true });
      await Promise.all(
        containers.map((c) => this.docker.getContainer(c.Id).remove({ force: true, v: true })),
      );
    }
    await this.terminate();
    if (existsSync(`/run/netns/${this.netns}`)) {
      const { stdout } = await run("ip", ["netns", "pids", this.netns]).catch(() => ({
        stdout: "",
      }));
      for (const pid of stdout.split(/\s+/).filter(Boolean).map(Number)) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {}
      }
    }
    await unmountUnder([this.dataRoot, this.execRoot]);
    await run("ip", ["netns", "del", this.netns]).catch(() => {});
    await rm(this.dataRoot, { recursive: true, force: true });
    await rm(this.execRoot, { recursive: true, force: true });
    await rm(this.socket, { force: true });
    if (this.resolvConf !== null) await rm(this.resolvConf, { force: true });
  }

  /** SIGTERM (SIGKILL after a minute) and wait for dockerd to be gone. */
  private async terminate(): Promise<void> {
    const pid = await this.pid();
    if (!pid) return;
    process.kill(pid, "SIGTERM");
    if (!(await waitGone(pid, STOP_TIMEOUT_MS))) {
      process.kill(pid, "SIGKILL");
      await waitGone(pid);
    }
  }
}

/** Starts the named extra engines, each with `images` copied from the default engine. */
export async function startExtraEngines(
  names: string[],
  images: string[],
  options: ExtraEngineOptions = {},
): Promise<ExtraEngine[]> {
  if (process.getuid?.() !== 0) {
    throw new Error("extra engines need root (ip netns, nsenter, dockerd); CI runs as root");
  }
  const engines = names.map((name) => new ExtraEngine(name, options));
  // What a run that was interrupted left behind goes first.
  await Promise.all(engines.map((e) => e.destroy()));
  await Promise.all(engines.map((e) => e.start()));
  const source = await connectEngine();
  await Promise.all(engines.map((e) => e.load(images, source)));
  return engines;
}

export async function destroyExtraEngines(engines: ExtraEngine[]): Promise<void> {
  await Promise.all(engines.map((e) => e.destroy()));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitGone(pid: number | null, timeoutMs = 10_000): Promise<boolean> {
  if (!pid) return true;
  const deadline = Date.now() + timeoutMs;
  while (alive(pid) && !isZombie(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

/** A child of this process that exited but was not reaped yet counts as gone. */
function isZombie(pid: number): boolean {
  try {
    return /\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}

async function unmountUnder(roots: string[]): Promise<void> {
  const mounts = (await readFile("/proc/self/mounts", "utf8"))
    .split("\n")
    .map((line) => line.split(" ")[1] ?? "")
    .filter((path) => roots.some((root) => path === root || path.startsWith(`${root}/`)))
    .reverse();
  for (const path of mounts) await run("umount", ["-l", path]).catch(() => {});
}
