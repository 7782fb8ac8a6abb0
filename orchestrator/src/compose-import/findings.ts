// What an import finds along the way: errors that stop it, and notes for the instructor saying
// how each part was mapped, what changed, what was left behind and what to check.
import type { Path } from "../topology/diagnostics.ts";

/** A place in the compose file (by its path) or in another file of the set-up (a Dockerfile). */
export type Where = { path: Path } | { file: string; line: number };

export type NoteKind = "mapped" | "changed" | "dropped" | "check";

export interface Finding {
  where: Where;
  message: string;
}

export interface Note extends Finding {
  kind: NoteKind;
}

export class Findings {
  readonly errors: Finding[] = [];
  readonly notes: Note[] = [];

  error(where: Where, message: string): void {
    this.errors.push({ where, message });
  }

  note(kind: NoteKind, where: Where, message: string): void {
    this.notes.push({ kind, where, message });
  }
}

export const at = (...path: Path): Where => ({ path });
