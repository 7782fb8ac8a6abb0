// The default role: a lab client with the tools the course's exercises use. It takes no config.
import { defineRole } from "./types.ts";

export const client = defineRole({
  name: "client",
  imageFolder: "client",
  summary: "a lab client: python3, dig, curl, ftp, ssh, nc, tcpdump",
});
