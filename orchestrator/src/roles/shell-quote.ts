// Quoting for the start commands roles generate: they run under `sh -c`, so any text taken from
// the topology (a password, say) must reach the command as one word, unchanged.

/**
 * `text` as one single-quoted sh word. Inside single quotes sh gives no character a meaning
 * except `'` itself, which is closed, escaped and reopened: `it's` becomes `'it'\''s'`.
 */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}
