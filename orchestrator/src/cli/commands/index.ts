// Every socketlab command, in the order `socketlab help` lists them.
import { capture } from "./capture.ts";
import { check } from "./check.ts";
import { down } from "./down.ts";
import { engines } from "./engines.ts";
import { exec } from "./exec.ts";
import { handout } from "./handout.ts";
import { images } from "./images.ts";
import { importCommand } from "./import.ts";
import { ls } from "./ls.ts";
import { reset } from "./reset.ts";
import { schema } from "./schema.ts";
import { serve } from "./serve.ts";
import { status } from "./status.ts";
import { up } from "./up.ts";
import { validate } from "./validate.ts";

export interface Command {
  name: string;
  synopsis: string;
  summary: string;
  run(args: string[]): Promise<number>;
}

export const COMMANDS: Command[] = [
  validate,
  schema,
  importCommand,
  up,
  ls,
  status,
  exec,
  check,
  handout,
  capture,
  reset,
  down,
  images,
  engines,
  serve,
];

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.synopsis.length));
  const lines = COMMANDS.map((c) => `  socketlab ${c.synopsis.padEnd(width)}  ${c.summary}`);
  return `usage:\n${lines.join("\n")}\n\nWith a pool of engines (README: Engines), --engines FILE or SOCKETLAB_ENGINES: up places\na new lab, the other commands find the lab on whichever engine holds it.\n`;
}
