// `socketlab class create|ls|show`: classes on the running service, through its API.
import { readFile } from "node:fs/promises";
import type { ClassView, CreatedClass, IssuedUser } from "../../classroom/classes.ts";
import { type OptionSpecs, parse, printJson, printTable, UsageError } from "../args.ts";
import { type ServiceClient, serviceClient } from "../service-client.ts";
import type { Command } from "./index.ts";

export const loginLink = (client: ServiceClient, token: string) =>
  `${client.url}/#token=${encodeURIComponent(token)}`;

/** A roster file as the service takes it: JSON (a list, or {students}) or CSV text. */
async function rosterBody(file: string): Promise<{ students: unknown } | { csv: string }> {
  const text = await readFile(file, "utf8");
  if (!file.toLowerCase().endsWith(".json")) return { csv: text };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  return { students: Array.isArray(parsed) ? parsed : (parsed as { students?: unknown }).students };
}

/** `2027-06-30` (the end of that day, UTC) or an ISO time, as the service takes it. */
function termEnd(text: string): string {
  const time = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T23:59:59Z` : text;
  if (Number.isNaN(Date.parse(time))) {
    throw new UsageError(`--ends '${text}' is neither a date (2027-06-30) nor an ISO time`);
  }
  return new Date(time).toISOString();
}

function printLinks(client: ServiceClient, people: (IssuedUser & { role: string })[]): void {
  printTable(
    ["LOGIN", "ROLE", "NAME", "LINK"],
    people.map((p) => [p.login, p.role, p.name, loginLink(client, p.token)]),
  );
  process.stderr.write("These login links are shown this once: keep them now.\n");
}

const options = {
  roster: {
    type: "string",
    value: "FILE",
    help: "create: the students, as CSV (login,name,email; ';' or ',') or JSON",
  },
  ta: {
    type: "string",
    multiple: true,
    default: [],
    value: "NAME",
    help: "create: a TA (again for more)",
  },
  ends: {
    type: "string",
    value: "DATE",
    help: "create: the end of the term (2027-06-30 or an ISO time)",
  },
  json: { type: "boolean", default: false, help: "the answer as JSON" },
} as const satisfies OptionSpecs;

async function create(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, options, ["NAME"]);
  if (!values.roster) throw new UsageError("--roster FILE is needed (CSV or JSON)");
  const client = await serviceClient();
  const created = await client.send<CreatedClass>("POST", "/api/classes", {
    name: positionals[0],
    ...(await rosterBody(values.roster)),
    tas: values.ta,
    ...(values.ends ? { endsAt: termEnd(values.ends) } : {}),
  });
  const people = [
    ...created.students.map((s) => ({ ...s, role: "student" })),
    ...created.tas.map((t) => ({ ...t, role: "ta" })),
  ];
  if (values.json) {
    printJson({
      ...created,
      links: people.map((p) => ({ login: p.login, link: loginLink(client, p.token) })),
    });
    return 0;
  }
  process.stdout.write(
    `class ${created.name} (${created.id}), term ends ${created.endsAt ?? "never"}\n`,
  );
  printLinks(client, people);
  return 0;
}

/** The class whose id or name is `key`. */
export async function findClass(client: ServiceClient, key: string): Promise<ClassView> {
  const classes = await client.get<ClassView[]>("/api/classes");
  const found = classes.filter((c) => c.id === key || c.name === key);
  if (found.length === 1) return found[0] as ClassView;
  throw new UsageError(
    found.length === 0
      ? `no class '${key}' (socketlab class ls lists them)`
      : `${found.length} classes are named '${key}': give its id`,
  );
}

async function list(args: string[]): Promise<number> {
  const { values } = parse(args, { json: { type: "boolean", default: false } }, []);
  const classes = await (await serviceClient()).get<ClassView[]>("/api/classes");
  if (values.json) {
    printJson(classes);
    return 0;
  }
  printTable(
    ["ID", "NAME", "STUDENTS", "TAS", "TERM ENDS"],
    classes.map((c) => [
      c.id,
      c.name,
      String(c.students.length),
      String(c.tas.length),
      c.endsAt ?? "-",
    ]),
  );
  return 0;
}

async function show(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: "boolean", default: false } }, [
    "CLASS",
  ]);
  const record = await findClass(await serviceClient(), positionals[0] as string);
  if (values.json) {
    printJson(record);
    return 0;
  }
  process.stdout.write(
    `class ${record.name} (${record.id}), term ends ${record.endsAt ?? "never"}\n`,
  );
  const members = [
    ...record.students.map((m) => ({ ...m, role: "student" })),
    ...record.tas.map((m) => ({ ...m, role: "ta" })),
  ];
  printTable(
    ["LOGIN", "ROLE", "NAME", "EMAIL", "SIGN-IN"],
    members.map((m) => [m.login, m.role, m.name, m.email ?? "-", m.revoked ? "revoked" : "active"]),
  );
  return 0;
}

const SUBCOMMANDS: Record<string, (args: string[]) => Promise<number>> = { create, ls: list, show };

export const classCommand: Command = {
  options,
  examples: [
    [
      "socketlab class create net-101 --roster students.csv --ta tess --ends 2027-06-30",
      "a class from a roster: prints each student's login link, this once",
    ],
    ["socketlab class ls", "every class, with its students and TAs"],
    ["socketlab class show net-101 --json", "one class's members, as JSON"],
  ],
  run([sub, ...args]) {
    const run = sub ? SUBCOMMANDS[sub] : undefined;
    if (!run) throw new UsageError(`class needs create, ls or show${sub ? `, not '${sub}'` : ""}`);
    return run(args);
  },
};
