// The attacker role: forges and watches traffic on its networks (Scapy, tcpdump, tshark, dig, nc,
// gcc for raw-socket programs). It takes no config.
import { defineRole } from "./types.ts";

export const attacker = defineRole({
  name: "attacker",
  imageFolder: "attacker",
  summary: "forges and watches traffic: scapy, tcpdump, tshark, dig, nc, gcc",
  configure: () => ({
    // Raw sockets and promiscuous mode, in the node's own network namespace only.
    capabilities: ["NET_RAW", "NET_ADMIN"],
  }),
});
