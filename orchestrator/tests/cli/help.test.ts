// The command line explains itself: --help on every command, --version, completion that loads in
// bash, validate's formats, and the exit statuses the help promises.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/cli/commands/index.ts";
import { cliReference } from "../../src/cli/reference.ts";
import { REPO_ROOT } from "../../src/paths.ts";

const MAIN = join(REPO_ROOT, "orchestrator/src/cli/main.ts");
const BROKEN = join(REPO_ROOT, "tests/fixtures/broken.yaml");
const GOOD = join(REPO_ROOT, "tests/fixtures/three-nodes.yaml");
const socketlab = (...args: string[]) =>
  spawnSync(process.execPath, [MAIN, ...args], { encoding: "utf8" });

// Each test starts the CLI once or more: about a second each on a loaded machine.
describe("socketlab's help", { timeout: 60_000 }, () => {
  it.each(COMMANDS.map((c) => c.name))(
    "answers %s --help with its options and examples",
    async (name) => {
      const entry = COMMANDS.find((c) => c.name === name);
      const command = await entry?.load();
      const run = socketlab(name, "--help");
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toContain(`usage: socketlab ${entry?.synopsis}\n`);
      for (const option of Object.keys(command?.options ?? {}))
        expect(run.stdout).toContain(`--${option}`);
      expect(run.stdout).toContain("examples:\n  socketlab ");
    },
  );

  it("lists every command, and the exit statuses, with exit status 0 when asked", () => {
    const run = socketlab("--help");
    expect(run.status).toBe(0);
    for (const { synopsis } of COMMANDS) expect(run.stdout).toContain(`socketlab ${synopsis}`);
    expect(run.stdout).toContain("3  check: the checks ran and some failed");
    expect(socketlab().status).toBe(2); // no command at all is a usage error
  });

  it("is what docs/reference/cli.md says (npm run docs writes it anew)", async () => {
    const committed = readFileSync(join(REPO_ROOT, "docs/reference/cli.md"), "utf8");
    expect(committed).toBe(await cliReference());
  });

  it("prints its version", () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8"));
    const run = socketlab("--version");
    expect(run.stdout).toBe(`socketlab ${version}\n`);
    expect(run.status).toBe(0);
  });

  it("takes --help after `--` as the node's, not its own", () => {
    // exec's command line is the node's: here it needs an engine, so the run fails for that,
    // after reading the command line, instead of printing exec's help.
    const run = socketlab("exec", "lab", "node", "--", "ls", "--help");
    expect(run.stdout).not.toContain("usage: socketlab exec");
  });

  it("refuses an unknown option with status 2, naming it", () => {
    const run = socketlab("ls", "--colour");
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("Unknown option '--colour'");
    expect(run.stderr).toContain("usage: socketlab ls [--json]");
  });
});

describe("socketlab completion", { timeout: 60_000 }, () => {
  const complete = (line: string) => {
    const words = line.split(" ");
    const script = `source <(${process.execPath} ${MAIN} completion bash)
COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}
_socketlab; printf '%s\\n' "\${COMPREPLY[@]}"`;
    return spawnSync("bash", ["-c", script], { encoding: "utf8" });
  };

  it("loads in bash and completes commands, then the command's options", () => {
    const commands = complete("socketlab u");
    expect(commands.stderr).toBe("");
    expect(commands.stdout).toBe("up\n");
    expect(complete("socketlab up --l").stdout).toBe("--lab\n");
    expect(complete("socketlab validate --").stdout.split("\n")).toContain("--format");
  });

  it("writes fish's with each command's summary, and refuses other shells", () => {
    const fish = socketlab("completion", "fish");
    expect(fish.stdout).toContain("complete -c socketlab -f -n __fish_use_subcommand -a up -d ");
    expect(fish.stdout).toContain("__fish_seen_subcommand_from up' -l lab -r -d ");
    const other = socketlab("completion", "tcsh");
    expect(other.status).toBe(2);
    expect(other.stderr).toContain("completion is for bash, zsh, fish, not 'tcsh'");
  });
});

describe("socketlab validate --format", { timeout: 60_000 }, () => {
  it("text: each problem as FILE:LINE:COL on stderr, exit status 1", () => {
    const run = socketlab("validate", BROKEN, GOOD);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      `${BROKEN}:5:5: networks.lan.sniffabel: unknown field 'sniffabel'`,
    );
    expect(run.stdout).toContain(`${GOOD}: ok (3 nodes,`);
  });

  it("json: one verdict per file", () => {
    const run = socketlab("validate", "--format", "json", BROKEN, GOOD);
    expect(run.status).toBe(1);
    const [broken, good] = JSON.parse(run.stdout);
    expect(broken).toMatchObject({ file: BROKEN, ok: false });
    expect(broken.diagnostics[0]).toMatchObject({
      line: 5,
      col: 5,
      field: "networks.lan.sniffabel",
    });
    expect(good).toMatchObject({ file: GOOD, ok: true, nodes: 3, diagnostics: [] });
  });

  it("github: an annotation per problem, escaped as GitHub's workflow commands require", () => {
    const run = socketlab("validate", "--format", "github", BROKEN);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(
      `::error file=${BROKEN},line=5,col=5::networks.lan.sniffabel: unknown field 'sniffabel'\n`,
    );
  });

  it("refuses a format it does not know, with status 2", () => {
    const run = socketlab("validate", "--format", "xml", GOOD);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("--format must be one of text, json, github, not 'xml'");
  });
});
