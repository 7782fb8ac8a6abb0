// Local accounts for the roles whose users log in (ftp, ssh): how the topology names them and
// gives their passwords, and the start commands that create them in the node.
//
// Lab passwords are teaching credentials, not secrets: they are written in the topology, and the
// plan (these start commands included) is kept in Docker labels that anyone with access to the
// engine can read. They are hashed in the node, by chpasswd, when it starts.
import { z } from "zod";
import { shellQuote } from "./shell-quote.ts";

/** Debian's own rule for user names, kept to lowercase ASCII. */
export const USERNAME_PATTERN = /^[a-z_][a-z0-9_-]*$/;

/** useradd refuses longer names. */
const MAX_USERNAME_LENGTH = 32;

/**
 * Accounts the role images already have. A lab user of that name would not be created (it
 * exists) but would get the lab's password: `root` with a known password, say.
 */
const SYSTEM_ACCOUNTS = new Set([
  "root",
  "daemon",
  "bin",
  "sys",
  "sync",
  "games",
  "man",
  "lp",
  "mail",
  "news",
  "uucp",
  "proxy",
  "www-data",
  "backup",
  "list",
  "irc",
  "_apt",
  "nobody",
  "ftp",
  "sshd",
  "memcache",
  // images/base's lab user, with passwordless sudo: a lab password on it would hand root to
  // whoever guesses it (a brute-force exercise, say).
  "student",
]);

export const usernameSchema = z
  .string()
  .regex(
    USERNAME_PATTERN,
    "a user name holds only a-z, 0-9, '_' and '-', and starts with a letter or '_'",
  )
  .max(MAX_USERNAME_LENGTH, `a user name has at most ${MAX_USERNAME_LENGTH} characters`)
  .refine((name) => !SYSTEM_ACCOUNTS.has(name), {
    error: (issue) => `'${issue.input}' is a system account of the node's image`,
  });

/** Any text on one line: chpasswd reads one `user:password` per line (a `:` in it is fine). */
export const passwordSchema = z
  .string()
  .min(1)
  .refine((password) => !/[\n\r\0]/.test(password), "a password must be on one line");

export interface LocalUser {
  name: string;
  password?: string | undefined;
}

/** Reports every user whose name an earlier one already took, at its `name`. */
export function refineUniqueNames(users: readonly LocalUser[], context: z.RefinementCtx): void {
  const seen = new Set<string>();
  users.forEach((user, index) => {
    if (seen.has(user.name)) {
      context.addIssue({
        code: "custom",
        path: [index, "name"],
        message: `user '${user.name}' is listed twice`,
      });
    }
    seen.add(user.name);
  });
}

/**
 * Start commands that create `users`, each with a home directory they own (files the topology
 * put there become theirs), and set their passwords. A restarted container keeps its files and
 * runs them again: an existing user is left as it is, and chpasswd sets the same password.
 * A user with no password gets `*`, which no password matches but which does not lock the
 * account as `!` does (sshd refuses even key logins to a locked account).
 */
export function createUsersCommands(users: readonly LocalUser[]): string[] {
  const create = users.map(({ name, password }) => {
    const user = shellQuote(name);
    const noPassword = password === undefined ? ` --password ${shellQuote("*")}` : "";
    return `id -u ${user} >/dev/null 2>&1 || { useradd --create-home --shell /bin/bash${noPassword} ${user} && chown -R ${user}: ${shellQuote(`/home/${name}`)}; }`;
  });
  const lines = users.flatMap(({ name, password }) =>
    password === undefined ? [] : [shellQuote(`${name}:${password}`)],
  );
  // printf passes each quoted word through untouched, one per line.
  return lines.length === 0 ? create : [...create, `printf '%s\\n' ${lines.join(" ")} | chpasswd`];
}
