// The pool of engines (docs/operator.md: Engines), for instructors.
import { z } from "zod";
import { engineSpecInput } from "../../engines/spec.ts";
import { authErrors, errorSchema } from "./common.ts";

export const engineSchema = z.object({
  name: z.string(),
  host: z.string().describe("where its API answers"),
  drained: z.boolean().describe("takes no new lab"),
  available: z.boolean().describe("answers"),
  error: z.string().nullable().describe("why it does not answer"),
  labs: z.number().int().describe("labs on it (and being placed there)"),
  memoryBytes: z.number().describe("memory its labs' node limits add up to"),
  capacity: z.object({
    labs: z.number().int().nullable().describe("null: no limit"),
    memoryBytes: z.number().nullable().describe("null: no limit"),
  }),
});

export const enginesSchema = z.array(engineSchema);

export const addEngineBody = engineSpecInput;

export const engineParams = z.object({ name: z.string() });

export const drainBody = z
  .object({ drained: z.boolean().default(true).describe("false: take new labs again") })
  .strict()
  .nullish();

export const engineErrors = { ...authErrors, 404: errorSchema, 409: errorSchema } as const;
