// The sniffer role: a passive observer. On a network marked sniffable, the bridge floods like a
// hub, so it sees its neighbours' unicast traffic too. It takes no config.
import { defineRole } from "./types.ts";

export const sniffer = defineRole({
  name: "sniffer",
  imageFolder: "sniffer",
  summary: "watches its networks: tcpdump, tshark",
  configure: () => ({
    // Capture sockets and promiscuous mode, in the node's own network namespace only.
    capabilities: ["NET_RAW", "NET_ADMIN"],
  }),
});
