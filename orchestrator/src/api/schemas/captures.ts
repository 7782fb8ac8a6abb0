// Captures of a lab network: which network, for how long.
import { z } from "zod";
import { labParams } from "./labs.ts";

/** Long enough for a lab exercise, short enough that a forgotten capture ends soon. */
export const CAPTURE_MAX_SECONDS = 120;

export const captureParams = labParams.extend({
  network: z.string().min(1).max(64).describe("the network's name in the topology"),
});

export const captureQuery = z.object({
  seconds: z.coerce.number().int().min(1).max(CAPTURE_MAX_SECONDS).default(10),
});

export const PCAP_TYPE = "application/vnd.tcpdump.pcap";

/** The download itself: a stream, which Fastify sends as it is, never through a serializer. */
export const pcapSchema = {
  description: "a pcap file, for Wireshark or tcpdump -r",
  content: { [PCAP_TYPE]: { schema: z.unknown() } },
};
