// The agent as a process: it listens until SIGTERM or SIGINT (a Swarm task stopped), then
// closes its server and ends.
import { once } from "node:events";
import { createRelay } from "./relay.ts";
import type { AgentSettings } from "./settings.ts";

export async function runAgent(
  settings: AgentSettings,
  log: (line: string) => void,
): Promise<number> {
  const server = createRelay(settings);
  server.listen(settings.port, settings.host);
  await once(server, "listening");
  log(`agent: relaying https://${settings.host}:${settings.port} to ${settings.socket}`);
  const signal = await Promise.race([once(process, "SIGTERM"), once(process, "SIGINT")]);
  log(`agent: ${String(signal[0] ?? "signal")}, closing`);
  server.close();
  server.closeAllConnections();
  return 0;
}
