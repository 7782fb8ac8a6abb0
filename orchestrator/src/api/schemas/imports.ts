// Importing a SEED Labs set-up: its compose file and folder in, a topology folder and report out.
import { z } from "zod";
import { MAX_IMPORT_BYTES, MAX_IMPORT_FILES } from "../../compose-import/folder.ts";
import { MAX_DOCUMENT_BYTES } from "../../topology/document.ts";
import { diagnosticSchema } from "./topologies.ts";

/** Files of the set-up's folder sent along; more than an import brings in, fewer than a disk. */
export const MAX_UPLOAD_FILES = 2 * MAX_IMPORT_FILES;

/** The compose file, every file of its folder in base64, and the JSON around them. */
export const IMPORT_BODY_LIMIT_BYTES =
  MAX_DOCUMENT_BYTES + Math.ceil((MAX_IMPORT_BYTES * 4) / 3) + 64 * 1024;

export const importBody = z.object({
  compose: z.string().max(MAX_DOCUMENT_BYTES),
  /** The compose file's path in the set-up (messages name it; other files are found beside it). */
  file: z.string().min(1).max(300).default("Labsetup/docker-compose.yml"),
  /** The topology's name; by default the set-up's folder's. */
  name: z.string().min(1).max(40).optional(),
  /** The rest of the set-up's folder: path relative to the compose file's folder -> base64. */
  files: z
    .record(z.string().min(1).max(300), z.base64())
    .refine((files) => Object.keys(files).length <= MAX_UPLOAD_FILES, {
      message: `at most ${MAX_UPLOAD_FILES} files`,
    })
    .default({}),
});

const noteSchema = diagnosticSchema.extend({
  kind: z.enum(["mapped", "changed", "dropped", "check"]),
});

export const importedSchema = z.object({
  ok: z.literal(true),
  name: z.string(),
  /** The topology folder: topology.yaml, IMPORT.md and the files it names. */
  files: z.array(z.object({ path: z.string(), contentBase64: z.string() })),
  report: z.object({
    nodes: z.array(
      z.object({
        service: z.string(),
        node: z.string(),
        what: z.string(),
        addresses: z.array(z.string()),
      }),
    ),
    notes: z.array(noteSchema),
  }),
});

export const importFailedSchema = z.object({
  ok: z.literal(false),
  diagnostics: z.array(diagnosticSchema),
});
