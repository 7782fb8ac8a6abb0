// A ping of a socketlab agent (Docker's GET /_ping through it), for its tests: the status it
// answers, trusting `ca`, with the secret as a bearer when one is given.
import { request } from "node:https";

export function agentPingStatus(
  host: string,
  port: number,
  ca: Buffer,
  secret?: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    request(
      {
        host,
        port,
        path: "/_ping",
        headers: secret === undefined ? {} : { authorization: `Bearer ${secret}` },
        ca,
        agent: false,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    )
      .on("error", reject)
      .end();
  });
}
