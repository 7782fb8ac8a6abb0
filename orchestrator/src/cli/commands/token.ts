// `socketlab token reissue|revoke LOGIN`: a user's sign-in on the running service, through its
// API. Reissuing the instructor's own token rotates it: the token in use stops working.
import { type OptionSpecs, parse, printJson, UsageError } from "../args.ts";
import { serviceClient } from "../service-client.ts";
import { loginLink } from "./class.ts";
import type { Command } from "./index.ts";

const path = (login: string, action: string) => `/api/users/${encodeURIComponent(login)}/${action}`;

const options = {
  json: { type: "boolean", default: false, help: "reissue: the new token and link as JSON" },
} as const satisfies OptionSpecs;

async function reissue(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, options, ["LOGIN"]);
  const client = await serviceClient();
  const { login, token } = await client.send<{ login: string; token: string }>(
    "POST",
    path(positionals[0] as string, "reissue"),
  );
  const link = loginLink(client, token);
  if (values.json) printJson({ login, token, link });
  else {
    process.stdout.write(`${login}: ${link}\ntoken: ${token}\n`);
    process.stderr.write("Shown this once; every older token of theirs no longer works.\n");
  }
  return 0;
}

async function revoke(args: string[]): Promise<number> {
  const { positionals } = parse(args, {}, ["LOGIN"]);
  const client = await serviceClient();
  const { login, revoked } = await client.send<{ login: string; revoked: number }>(
    "POST",
    path(positionals[0] as string, "revoke"),
  );
  process.stdout.write(`${login}: ${revoked} token(s) revoked; their open terminals closed\n`);
  return 0;
}

const SUBCOMMANDS: Record<string, (args: string[]) => Promise<number>> = { reissue, revoke };

export const tokenCommand: Command = {
  options,
  examples: [
    ["socketlab token reissue ada", "a new login link for ada; her older ones stop working"],
    ["socketlab token revoke ada", "ada can no longer sign in; her open terminals close"],
    ["socketlab token reissue instructor", "rotate the instructor's own token"],
  ],
  run([sub, ...args]) {
    const run = sub ? SUBCOMMANDS[sub] : undefined;
    if (!run) throw new UsageError(`token needs reissue or revoke${sub ? `, not '${sub}'` : ""}`);
    return run(args);
  },
};
