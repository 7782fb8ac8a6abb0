// The roles a topology may name. Each is one module here and one folder under images/.

import type { RoleCatalog } from "../topology/role-catalog.ts";
import { attacker } from "./attacker.ts";
import { ca } from "./ca.ts";
import { client } from "./client.ts";
import { dns } from "./dns/index.ts";
import { ftp } from "./ftp.ts";
import { mail } from "./mail/index.ts";
import { memcached } from "./memcached.ts";
import { router } from "./router.ts";
import { sniffer } from "./sniffer.ts";
import { ssh } from "./ssh.ts";
import type { Role } from "./types.ts";
import { victim } from "./victim.ts";
import { web } from "./web.ts";

export type { Role } from "./types.ts";

export const ROLES: readonly Role[] = [
  client,
  dns,
  router,
  attacker,
  sniffer,
  ftp,
  ssh,
  memcached,
  ca,
  web,
  mail,
  victim,
];

export const DEFAULT_ROLE = "client";

/** The registry as the topology loader takes it (roles/load.ts). */
export const ROLE_CATALOG: RoleCatalog = {
  roles: ROLES,
  defaultRole: DEFAULT_ROLE,
  image: roleImage,
};

export function findRole(name: string): Role | undefined {
  return ROLES.find((r) => r.name === name);
}

/** The locally built image of a role: never pulled, always built from images/<folder>. */
export function roleImage(role: Pick<Role, "imageFolder">): string {
  return `socketlab/${role.imageFolder}:latest`;
}
