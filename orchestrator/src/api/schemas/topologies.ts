// The topology library and validation of uploaded YAML.
import { z } from "zod";
import { LIBRARY_NAME, MAX_ARCHIVE_BYTES } from "../../classroom/library-name.ts";

export const diagnosticSchema = z.object({
  file: z.string(),
  line: z.number().int(),
  col: z.number().int(),
  field: z.string(),
  message: z.string(),
});

export const libraryEntrySchema = z.object({
  name: z.string(),
  description: z.string().nullable(),
  nodes: z.number().int(),
  networks: z.number().int(),
  diagnostics: z.array(diagnosticSchema),
});

export const validateBody = z.object({ yaml: z.string().max(1024 * 1024) });

export const validationSchema = z.object({
  ok: z.boolean(),
  name: z.string().nullable(),
  diagnostics: z.array(diagnosticSchema),
});

export const addTopologyBody = z.object({
  name: z
    .string()
    .regex(LIBRARY_NAME, "lowercase letters, digits and '-' (neither first nor last), 40 at most"),
  yaml: z.string().max(1024 * 1024),
  overwrite: z.boolean().default(false),
});

export const archiveBody = z.object({
  archiveBase64: z
    .string()
    .max(Math.ceil((MAX_ARCHIVE_BYTES * 4) / 3) + 4)
    .describe("a .tar.gz, .tgz, .tar or .zip of the topology's folder, in base64"),
  overwrite: z.boolean().default(false),
});

/** The archive in base64 and the JSON around it. */
export const ARCHIVE_BODY_LIMIT_BYTES = Math.ceil((MAX_ARCHIVE_BYTES * 4) / 3) + 64 * 1024;

export const topologyParams = z.object({
  name: z.string().regex(LIBRARY_NAME, "a library topology's name"),
});

export const entryViewSchema = z.object({
  name: z.string(),
  yaml: z.string(),
  handout: z.string().nullable(),
  files: z.array(z.string()),
});
