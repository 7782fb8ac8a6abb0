// Node roles. Each role is one folder under images/ (its image) and, as roles grow config
// generation, one module here. A topology may name only these roles.

export interface Role {
  name: string;
  /** The images/ folder that builds this role's image. */
  imageFolder: string;
}

export const ROLES: readonly Role[] = [{ name: "host", imageFolder: "host" }];

export const DEFAULT_ROLE = "host";

export function findRole(name: string): Role | undefined {
  return ROLES.find((r) => r.name === name);
}

/** The locally built image of a role: never pulled, always built from images/<folder>. */
export function roleImage(role: Role): string {
  return `socketlab/${role.imageFolder}:latest`;
}
