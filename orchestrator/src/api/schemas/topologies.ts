// The topology library and validation of uploaded YAML.
import { z } from "zod";
import { LIBRARY_NAME } from "../../classroom/library-name.ts";

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
