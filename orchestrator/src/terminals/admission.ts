// Who gets which terminal: a hello's token, the lab and the session it asks for, checked by the
// REST lab routes' rules before anything runs in the node; then the session found, or a shell
// opened and its session started. Every refusal is a TerminalRefused with its close code.
import { LabRequestError, runningNode } from "../labs/lifecycle.ts";
import { type Engine, EngineUnavailableError } from "../runtime/engine.ts";
import { openShell } from "../runtime/login-shell.ts";
import type { Db } from "../store/db.ts";
import { signIn, type User } from "../store/users.ts";
import { DEFAULT_NODE_USER } from "../topology/model.ts";
import { type Admission, TerminalRefused } from "./connection.ts";
import { CLOSE, type HelloMessage } from "./protocol.ts";
import type { TerminalRegistry } from "./registry.ts";
import type { TerminalSession } from "./session.ts";

/** What admission needs from the service. */
export interface AdmissionServices {
  db: Db;
  registry: TerminalRegistry;
  /** The lab's owner, when `user` may see the lab; null when not, or when there is no such lab. */
  labOwner(user: User, lab: string): Promise<string | null>;
  /** The lab's engine; throws EngineUnavailableError when it does not answer. */
  engineFor(lab: string): Promise<Engine>;
  /** The clock, epoch ms: a class's term ends its users' tokens. */
  now(): number;
}

/** The terminal a socket asks for, and its address's count of failed tokens. */
interface TerminalTarget {
  lab: string;
  node: string;
  /** Counts a token that is not valid: the seconds to wait once the address is past its limit. */
  failedToken(): Promise<number | null>;
}

/** Admits `hello` to `target`, or throws TerminalRefused. */
export async function admit(
  services: AdmissionServices,
  target: TerminalTarget,
  hello: HelloMessage,
): Promise<Admission> {
  try {
    return await admitOrThrow(services, target, hello);
  } catch (error) {
    // As on the REST routes (503 engine_unavailable): the message names the engine.
    if (error instanceof EngineUnavailableError) {
      throw new TerminalRefused(CLOSE.engineUnavailable, error.message);
    }
    throw error;
  }
}

async function admitOrThrow(
  services: AdmissionServices,
  target: TerminalTarget,
  hello: HelloMessage,
): Promise<Admission> {
  const { registry } = services;
  const { lab, node } = target;
  if (registry.closed) throw new TerminalRefused(CLOSE.goingAway, "the service is stopping");
  const { user, tokenId } = await signInHello(services, target, hello.token);
  const who = { login: user.login, role: user.role, tokenId };
  // A lab the user may not see is not found, as on the REST routes.
  const labOwner = await services.labOwner(user, lab);
  if (labOwner === null) throw new TerminalRefused(CLOSE.notFound, `lab ${lab} not found`);
  if (hello.session === undefined) {
    const session = await openSession(services, { lab, node, labOwner, owner: user.login }, hello);
    return { session, user: who, mode: "control", created: true };
  }
  const session = registry.get(hello.session);
  if (!session || session.info.lab !== lab || session.info.node !== node) {
    throw new TerminalRefused(CLOSE.gone, "no such session on this node (it may have ended)");
  }
  const own = session.info.owner === user.login;
  if (!hello.watch) {
    if (!own) throw new TerminalRefused(CLOSE.forbidden, "this session is not yours");
    return { session, user: who, mode: "control", created: false };
  }
  // Staff who may see the lab (checked above) watch anyone's session; students their own.
  if (!own && user.role === "student") {
    throw new TerminalRefused(CLOSE.forbidden, "only TAs and instructors watch others");
  }
  return { session, user: who, mode: "watch", created: false };
}

/** The hello's user and token id, or a refusal; failed tokens count toward the address's limit. */
async function signInHello(
  services: AdmissionServices,
  target: TerminalTarget,
  token: string,
): Promise<{ user: User; tokenId: string }> {
  const found = signIn(services.db, token, services.now());
  if (found.ok) return found;
  const wait = await target.failedToken();
  if (wait === null) throw new TerminalRefused(CLOSE.unauthorized, found.reason);
  throw new TerminalRefused(
    CLOSE.tooManyFailedTokens,
    `too many tokens that are not valid from this address; retry in ${wait} s`,
  );
}

/** A new shell in the node, as its lab user, and its session. */
async function openSession(
  services: AdmissionServices,
  where: { lab: string; node: string; labOwner: string; owner: string },
  hello: HelloMessage,
): Promise<TerminalSession> {
  const { registry } = services;
  const size = { cols: hello.cols, rows: hello.rows };
  const engine = await services.engineFor(where.lab);
  let node: Awaited<ReturnType<typeof runningNode>>;
  try {
    node = await runningNode(engine, where.lab, where.node);
  } catch (error) {
    if (error instanceof LabRequestError) throw new TerminalRefused(CLOSE.refused, error.message);
    throw error;
  }
  // The node's lab user, as its topology says (records older than `user:` have none).
  const shell = await openShell(engine, node.container, size, node.plan.user ?? DEFAULT_NODE_USER);
  if (registry.closed) {
    await shell.kill();
    throw new TerminalRefused(CLOSE.goingAway, "the service is stopping");
  }
  try {
    return registry.start({ ...where, shell, size });
  } catch (error) {
    // No session holds the shell: nothing else would ever kill it.
    await shell.kill().catch((killError: unknown) => {
      throw new AggregateError(
        [error, killError],
        "the session failed, and so did its shell's kill",
      );
    });
    throw error;
  }
}
