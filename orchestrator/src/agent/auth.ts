// The agent's one check: the request carries the shared secret as `Authorization: Bearer ...`.
import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Whether `header` is `Bearer <secret>`. Both sides are hashed first, so that the comparison
 * takes the same time whatever the header's length and wherever it differs.
 */
export function carriesSecret(header: string | undefined, secret: string): boolean {
  if (header === undefined || !header.startsWith("Bearer ")) return false;
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(header.slice("Bearer ".length)), digest(secret));
}

/** A secret shorter than this could be guessed by a client that may try as often as it likes. */
export const MIN_SECRET_LENGTH = 32;

/**
 * The secret a file holds, as the agent and the service both read it: less the newline `echo`
 * leaves; printable ASCII (it goes in a header), MIN_SECRET_LENGTH characters at least. Throws
 * an Error saying what is wrong.
 */
export function secretFromFile(bytes: Buffer): string {
  const secret = bytes.toString("utf8").trim();
  if (!/^[\x21-\x7e]*$/.test(secret)) {
    throw new Error("the secret may hold printable ASCII only (it goes in a header)");
  }
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(
      `the secret has ${secret.length} characters, ${MIN_SECRET_LENGTH} at least (openssl rand -hex 32 makes one)`,
    );
  }
  return secret;
}
