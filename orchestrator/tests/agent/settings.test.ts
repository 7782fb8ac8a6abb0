// The agent's settings: flags over variables over defaults, files read, every problem named by
// its flag and variable.
import { describe, expect, it } from "vitest";
import { AgentSettingsError, agentSettings, agentVariable } from "../../src/agent/settings.ts";

const SECRET = "s".repeat(40);
const FILES: Record<string, string> = {
  "/run/secrets/cert": "CERT",
  "/run/secrets/key": "KEY",
  "/run/secrets/secret": `${SECRET}\n`,
  "/run/secrets/short": "short\n",
};
const read = (file: string) => {
  const text = FILES[file];
  if (text === undefined) throw new Error(`ENOENT: no such file, open '${file}'`);
  return Buffer.from(text);
};
const files = {
  cert: "/run/secrets/cert",
  key: "/run/secrets/key",
  secretFile: "/run/secrets/secret",
};

function problems(flags: Parameters<typeof agentSettings>[0], env = {}): string[] {
  try {
    agentSettings(flags, env, read);
  } catch (error) {
    expect(error).toBeInstanceOf(AgentSettingsError);
    return (error as Error).message.split("\n");
  }
  throw new Error("the settings were accepted");
}

describe("agent settings", () => {
  it("names each setting's variable", () => {
    expect(agentVariable("secretFile")).toBe("SOCKETLAB_AGENT_SECRET_FILE");
    expect(agentVariable("maxConnections")).toBe("SOCKETLAB_AGENT_MAX_CONNECTIONS");
    expect(agentVariable("port")).toBe("SOCKETLAB_AGENT_PORT");
  });

  it("has defaults for all but the files", () => {
    expect(agentSettings(files, {}, read)).toEqual({
      host: "0.0.0.0",
      port: 2378,
      socket: "/var/run/docker.sock",
      cert: Buffer.from("CERT"),
      key: Buffer.from("KEY"),
      secret: SECRET,
      maxConnections: 64,
    });
  });

  it("takes variables, and flags over them", () => {
    const env = {
      SOCKETLAB_AGENT_CERT: "/run/secrets/cert",
      SOCKETLAB_AGENT_KEY: "/run/secrets/key",
      SOCKETLAB_AGENT_SECRET_FILE: "/run/secrets/secret",
      SOCKETLAB_AGENT_PORT: "9000",
      SOCKETLAB_AGENT_HOST: "10.0.0.2",
      SOCKETLAB_AGENT_SOCKET: "/run/docker.sock",
      SOCKETLAB_AGENT_MAX_CONNECTIONS: "8",
    };
    const fromEnv = agentSettings({}, env, read);
    expect(fromEnv).toMatchObject({
      host: "10.0.0.2",
      port: 9000,
      socket: "/run/docker.sock",
      maxConnections: 8,
      secret: SECRET,
    });
    expect(agentSettings({ port: "9001", maxConnections: "2" }, env, read)).toMatchObject({
      port: 9001,
      maxConnections: 2,
    });
  });

  it("requires the three files, naming flag and variable", () => {
    expect(problems({})).toEqual([
      "--cert (SOCKETLAB_AGENT_CERT): a file is required",
      "--key (SOCKETLAB_AGENT_KEY): a file is required",
      "--secret-file (SOCKETLAB_AGENT_SECRET_FILE): a file is required",
    ]);
  });

  it("says which file cannot be read, and a secret too short", () => {
    expect(problems({ ...files, key: "/nope", secretFile: "/run/secrets/short" })).toEqual([
      "--key (SOCKETLAB_AGENT_KEY): cannot read /nope (ENOENT: no such file, open '/nope')",
      "--secret-file (SOCKETLAB_AGENT_SECRET_FILE): the secret has 5 characters, 32 at least (openssl rand -hex 32 makes one)",
    ]);
  });

  it.each([
    [{ port: "0" }, '--port (SOCKETLAB_AGENT_PORT): a whole number from 1 to 65535, not "0"'],
    [
      { port: "65536" },
      '--port (SOCKETLAB_AGENT_PORT): a whole number from 1 to 65535, not "65536"',
    ],
    [{ port: "80a" }, '--port (SOCKETLAB_AGENT_PORT): a whole number from 1 to 65535, not "80a"'],
    [{ port: "" }, '--port (SOCKETLAB_AGENT_PORT): a whole number from 1 to 65535, not ""'],
    [
      { maxConnections: "0" },
      '--max-connections (SOCKETLAB_AGENT_MAX_CONNECTIONS): a whole number from 1 to 4096, not "0"',
    ],
    [
      { maxConnections: "5000" },
      '--max-connections (SOCKETLAB_AGENT_MAX_CONNECTIONS): a whole number from 1 to 4096, not "5000"',
    ],
    [
      { socket: "docker.sock" },
      '--socket (SOCKETLAB_AGENT_SOCKET): an absolute path, not "docker.sock"',
    ],
    [{ host: "a b" }, '--host (SOCKETLAB_AGENT_HOST): not an address: "a b"'],
  ])("refuses %o", (bad, message) => {
    expect(problems({ ...files, ...bad })).toEqual([message]);
  });
});
