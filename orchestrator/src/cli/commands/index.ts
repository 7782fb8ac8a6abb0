// Every socketlab command, in the order `socketlab help` lists them. A command's module is
// imported only when that command runs (or its --help is asked for): each command is a fresh
// process, and `ls` should not pay for loading the service, nor `--help` for loading anything.
import type { OptionSpecs } from "../args.ts";

/** What a command's module exports. */
export interface Command {
  /** Its options, as node's parseArgs takes them, each with the line `--help` prints. */
  options: OptionSpecs;
  /** Whole command lines, each with what it does: --help prints them. */
  examples: [string, string][];
  run(args: string[]): Promise<number>;
}

export interface CommandEntry {
  name: string;
  synopsis: string;
  summary: string;
  load(): Promise<Command>;
}

export const COMMANDS: CommandEntry[] = [
  {
    name: "validate",
    synopsis: "validate FILE... [--format text|json|github]",
    summary:
      "check topology files and their handouts; every problem as FILE:LINE:COL, exit 1 if any",
    load: async () => (await import("./validate.ts")).validate,
  },
  {
    name: "schema",
    synopsis: "schema [--format json|markdown]",
    summary: "print the topology format as a JSON Schema, for editors (docs/writing-topologies.md)",
    load: async () => (await import("./schema.ts")).schema,
  },
  {
    name: "import",
    synopsis: "import FILE [-o DIR] [--name NAME]",
    summary: "a SEED Labs docker-compose file as a topology folder (default ./NAME), with a report",
    load: async () => (await import("./import.ts")).importCommand,
  },
  {
    name: "up",
    synopsis: "up FILE --lab ID [--owner NAME] [--json]",
    summary: "create a lab from a topology, or bring an existing one in line with it",
    load: async () => (await import("./up.ts")).up,
  },
  {
    name: "ls",
    synopsis: "ls [--json]",
    summary: "every lab on the engine (with a pool, on every engine)",
    load: async () => (await import("./ls.ts")).ls,
  },
  {
    name: "status",
    synopsis: "status ID [--json]",
    summary: "a lab's state, its nodes and their addresses",
    load: async () => (await import("./status.ts")).status,
  },
  {
    name: "exec",
    synopsis: "exec ID NODE [-- CMD...]",
    summary: "run a command on a node (a login shell if none); its exit status is passed through",
    load: async () => (await import("./exec.ts")).exec,
  },
  {
    name: "check",
    synopsis: "check ID [--json]",
    summary: "run the lab's checks: which tasks are achieved (exit status 3 if any failed)",
    load: async () => (await import("./check.ts")).check,
  },
  {
    name: "handout",
    synopsis: "handout ID [--library DIR]",
    summary: "the lab's handout with the lab's own addresses (plain text)",
    load: async () => (await import("./handout.ts")).handout,
  },
  {
    name: "capture",
    synopsis: "capture ID NETWORK [--seconds N] -o FILE.pcap",
    summary: "record N seconds (default 10) of a lab network's traffic as pcap ('-o -': stdout)",
    load: async () => (await import("./capture.ts")).capture,
  },
  {
    name: "reset",
    synopsis: "reset ID [NODE...]",
    summary: "recreate nodes (all of the lab if none named) from their images, same addresses",
    load: async () => (await import("./reset.ts")).reset,
  },
  {
    name: "down",
    synopsis: "down ID",
    summary: "remove a lab: its containers, networks and host rules",
    load: async () => (await import("./down.ts")).down,
  },
  {
    name: "images",
    synopsis: "images build [--force] [--max-age DURATION]",
    summary: "build the images of images/ that are missing or changed",
    load: async () => (await import("./images.ts")).images,
  },
  {
    name: "engines",
    synopsis: "engines [--engines FILE] [--json]",
    summary: "the engines file's engines (not those added through the API), with their load",
    load: async () => (await import("./engines.ts")).engines,
  },
  {
    name: "serve",
    synopsis:
      "serve [--port 8080] [--host 127.0.0.1] [--data DIR] [--library DIR] [--engines FILE]",
    summary: "run the socketlab service (the dashboard, and the API with its reference under /api)",
    load: async () => (await import("./serve.ts")).serve,
  },
  {
    name: "agent",
    synopsis: "agent --cert FILE --key FILE --secret-file FILE [--port 2378] [--socket PATH]",
    summary: "serve this machine's engine to the service over HTTPS with a shared secret",
    load: async () => (await import("./agent.ts")).agent,
  },
  {
    name: "class",
    synopsis: "class create NAME --roster FILE [--ta NAME]... [--ends DATE] | ls | show CLASS",
    summary: "classes on the running service (SOCKETLAB_URL, SOCKETLAB_TOKEN)",
    load: async () => (await import("./class.ts")).classCommand,
  },
  {
    name: "token",
    synopsis: "token reissue|revoke LOGIN",
    summary: "a user's sign-in on the running service: a new login link, or none",
    load: async () => (await import("./token.ts")).tokenCommand,
  },
  {
    name: "grades",
    synopsis: "grades CLASS --topology NAME [--csv|--json]",
    summary: "a class's check results and scores on the running service",
    load: async () => (await import("./grades.ts")).grades,
  },
  {
    name: "completion",
    synopsis: "completion bash|zsh|fish",
    summary: "a shell completion script for socketlab's commands and options",
    load: async () => (await import("./completion.ts")).completion,
  },
];

export function findCommand(name: string): CommandEntry | undefined {
  return COMMANDS.find((c) => c.name === name);
}
