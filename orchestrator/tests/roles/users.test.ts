import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { shellQuote } from "../../src/roles/shell-quote.ts";
import { createUsersCommands, passwordSchema, usernameSchema } from "../../src/roles/users.ts";

/**
 * Runs start commands under a real sh, as a node does (`set -e`), with the account tools
 * replaced by functions that print what they were given: one `[word]` per argument, and every
 * line chpasswd reads. `existing` users are the ones `id` finds.
 */
function runWithStubs(commands: string[], existing: string[] = []): string {
  const script = [
    `id() { case " ${existing.join(" ")} " in *" $2 "*) return 0;; *) return 1;; esac; }`,
    "useradd() { printf 'useradd'; printf ' [%s]' \"$@\"; echo; }",
    "chown() { printf 'chown'; printf ' [%s]' \"$@\"; echo; }",
    "chpasswd() { while IFS= read -r line; do printf 'chpasswd [%s]\\n' \"$line\"; done; }",
    "set -e",
    ...commands,
  ].join("\n");
  return execFileSync("/bin/sh", ["-c", script], { encoding: "utf8" });
}

const AWKWARD_PASSWORDS = [
  `it's "quoted"`,
  "two  spaces and a trailing one ",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: sh's ${...}, which must stay literal
  "$HOME ${PATH} $(id) `id` $1",
  "back\\slash\\n and %s %d",
  "colon:in:it",
  "-n",
  "'",
  "glob * ? [a]",
  "semi; rm -rf / & echo | cat > x",
];

describe("shellQuote", () => {
  it.each(AWKWARD_PASSWORDS)("gives sh back exactly %j as one word", (text) => {
    const out = execFileSync("/bin/sh", ["-c", `printf '[%s]' ${shellQuote(text)}`], {
      encoding: "utf8",
    });
    expect(out).toBe(`[${text}]`);
  });
});

describe("createUsersCommands", () => {
  it("creates each user with a home they own and hands chpasswd every password unchanged", () => {
    const users = AWKWARD_PASSWORDS.map((password, i) => ({ name: `user${i}`, password }));
    const out = runWithStubs(createUsersCommands(users));
    const lines = out.trimEnd().split("\n");
    expect(lines.filter((l) => l.startsWith("useradd"))).toEqual(
      users.map((u) => `useradd [--create-home] [--shell] [/bin/bash] [${u.name}]`),
    );
    expect(lines.filter((l) => l.startsWith("chown"))).toEqual(
      users.map((u) => `chown [-R] [${u.name}:] [/home/${u.name}]`),
    );
    expect(lines.filter((l) => l.startsWith("chpasswd"))).toEqual(
      users.map((u) => `chpasswd [${u.name}:${u.password}]`),
    );
  });

  it("gives a user with no password '*' (no password matches, the account is not locked)", () => {
    const commands = createUsersCommands([{ name: "keyonly" }, { name: "alice", password: "pw" }]);
    expect(runWithStubs(commands)).toBe(
      [
        "useradd [--create-home] [--shell] [/bin/bash] [--password] [*] [keyonly]",
        "chown [-R] [keyonly:] [/home/keyonly]",
        "useradd [--create-home] [--shell] [/bin/bash] [alice]",
        "chown [-R] [alice:] [/home/alice]",
        "chpasswd [alice:pw]",
        "",
      ].join("\n"),
    );
  });

  it("leaves an existing user alone on a restart but sets its password again", () => {
    const commands = createUsersCommands([
      { name: "alice", password: "pw" },
      { name: "bob", password: "pw2" },
    ]);
    expect(runWithStubs(commands, ["alice"])).toBe(
      [
        "useradd [--create-home] [--shell] [/bin/bash] [bob]",
        "chown [-R] [bob:] [/home/bob]",
        "chpasswd [alice:pw]",
        "chpasswd [bob:pw2]",
        "",
      ].join("\n"),
    );
  });

  it("runs no chpasswd when nobody has a password, and nothing for no users", () => {
    expect(createUsersCommands([{ name: "k" }])).toHaveLength(1);
    expect(createUsersCommands([])).toEqual([]);
  });
});

describe("user names and passwords", () => {
  it.each(["alice", "_svc", "bob-2", "a_b", "x".repeat(32)])("accepts the name %j", (name) => {
    expect(usernameSchema.safeParse(name).success).toBe(true);
  });

  it.each([
    ["Alice", "a user name holds only"],
    ["2fast", "a user name holds only"],
    ["-n", "a user name holds only"],
    ["al ice", "a user name holds only"],
    ["alice;id", "a user name holds only"],
    ["x".repeat(33), "at most 32"],
    ["root", "'root' is a system account"],
    ["ftp", "'ftp' is a system account"],
  ])("refuses the name %j", (name, message) => {
    const result = usernameSchema.safeParse(name);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain(message);
  });

  it("accepts any one-line password, refuses line breaks, NUL and an empty one", () => {
    for (const password of AWKWARD_PASSWORDS) {
      expect(passwordSchema.safeParse(password).success).toBe(true);
    }
    for (const password of ["a\nb", "a\rb", "a\0b", ""]) {
      expect(passwordSchema.safeParse(password).success).toBe(false);
    }
  });
});
