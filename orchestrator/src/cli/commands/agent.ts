import { agentVariables } from "../../config.ts";
import { type OptionSpecs, parse, UsageError } from "../args.ts";
import type { Command } from "./index.ts";

const options = {
  host: { type: "string", value: "ADDRESS", help: "the address to listen on (default 0.0.0.0)" },
  port: { type: "string", value: "PORT", help: "the port to listen on (default 2378)" },
  socket: {
    type: "string",
    value: "PATH",
    help: "the engine's socket it relays to (default /var/run/docker.sock)",
  },
  cert: { type: "string", value: "FILE", help: "its TLS certificate (PEM)" },
  key: { type: "string", value: "FILE", help: "its TLS key (PEM)" },
  "secret-file": {
    type: "string",
    value: "FILE",
    help: "the secret the service sends, 32 characters at least",
  },
  "max-connections": {
    type: "string",
    value: "N",
    help: "connections served at once (default 64)",
  },
} as const satisfies OptionSpecs;

export const agent: Command = {
  options,
  examples: [
    [
      "socketlab agent --cert agent.pem --key agent-key.pem --secret-file secret",
      "serve this machine's engine to the service on port 2378 (docs/operator.md: The agent)",
    ],
  ],
  async run(args) {
    const { values } = parse(args, options, []);
    const { agentSettings, AgentSettingsError } = await import("../../agent/settings.ts");
    const { runAgent } = await import("../../agent/run.ts");
    let settings: ReturnType<typeof agentSettings>;
    try {
      settings = agentSettings(
        {
          host: values.host,
          port: values.port,
          socket: values.socket,
          cert: values.cert,
          key: values.key,
          secretFile: values["secret-file"],
          maxConnections: values["max-connections"],
        },
        agentVariables(),
      );
    } catch (error) {
      if (error instanceof AgentSettingsError) throw new UsageError(error.message);
      throw error;
    }
    return runAgent(settings, (line) => process.stderr.write(`${line}\n`));
  },
};
