// A lab's handout with the lab's own addresses (docs/writing-topologies.md: Handouts).
import { z } from "zod";

export const handoutSchema = z.object({
  lab: z.string(),
  topology: z.string(),
  markdown: z
    .string()
    .nullable()
    .describe("the handout, addresses and subnets rewritten to the lab's; null: no handout"),
  networks: z
    .array(
      z.object({
        network: z.string(),
        handoutSubnet: z.string().describe("the subnet as the handout writes it"),
        labSubnet: z.string().describe("the lab's own"),
      }),
    )
    .describe("the table at the top of the handout"),
  tasks: z
    .array(
      z.object({
        number: z.number().int(),
        title: z.string(),
        checks: z.array(z.string()).describe("ids of the checks the task links to"),
      }),
    )
    .describe("the numbered list under the handout's Tasks heading"),
});
