// The exit statuses every command keeps to, for scripts and CI (docs/cli.md).

/** Done; for `check`, every check passed. */
export const EXIT_OK = 0;
/** Could not do it, or found problems: the engine, the lab or a file said no (the message says why). */
export const EXIT_FAILED = 1;
/** The command line, or a value given on it, is wrong as written. */
export const EXIT_USAGE = 2;
/** `check`: the checks ran, and some failed (as against 1: they could not run). */
export const EXIT_CHECKS_FAILED = 3;

export const EXIT_STATUS_HELP = `exit status:
  ${EXIT_OK}  done (check: every check passed)
  ${EXIT_FAILED}  could not do it, or found problems (validate: a file has some); the message says why
  ${EXIT_USAGE}  the command line, or a value given on it, is wrong as written
  ${EXIT_CHECKS_FAILED}  check: the checks ran and some failed
`;
