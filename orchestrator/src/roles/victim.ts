// The victim role: a person browsing with a real browser, so that XSS and CSRF attacks on a lab's
// web app can be seen working. socketlab-victim (images/victim) drives headless Chromium: it logs
// in once (posting the login fields from a local form, so the app's session cookie lands in the
// browser's profile), then visits each page in turn, again every `every` seconds, giving each
// page's scripts a few seconds to run. A scripted HTTP client would run no JavaScript: no XSS.
import { z } from "zod";
import { textFile } from "./files.ts";
import { defineRole } from "./types.ts";

const CONFIG_PATH = "/etc/socketlab/victim.json";
const VICTIM_LOG = "/var/log/victim.log";

const httpUrl = z
  .string()
  .regex(/^https?:\/\/[^\s]+$/, "an http:// or https:// URL, like http://web/app/");

const configSchema = z.strictObject({
  login: z
    .strictObject({
      url: httpUrl,
      fields: z.record(z.string().min(1), z.string()),
    })
    .optional()
    .describe("Posted once at the start (again until the app answers), like a login form."),
  visit: z
    .array(httpUrl)
    .min(1, "give at least one page to visit")
    .describe("The pages the victim opens, in order, every round."),
  every: z.number().int().min(2).max(3600).default(10).describe("Seconds between rounds."),
});

export type VictimConfig = z.infer<typeof configSchema>;

export const victim = defineRole<VictimConfig>({
  name: "victim",
  imageFolder: "victim",
  summary: "a person with a headless Chromium: logs in to a web app, then visits pages in a loop",
  config: configSchema,
  configure(config) {
    const settings = { login: config.login ?? null, visit: config.visit, every: config.every };
    return {
      files: [textFile(CONFIG_PATH, `${JSON.stringify(settings, null, 2)}\n`)],
      start: [`socketlab-victim ${CONFIG_PATH} >>${VICTIM_LOG} 2>&1 &`],
    };
  },
});
