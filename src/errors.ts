// Errors of the daemon itself (configuration, startup) and the CLI's exit codes, defined in one place.

/** Exit codes of the `inboxd` command; documented in `inboxd --help` and the README. */
export const ExitCode = {
  Ok: 0,
  /** Invalid configuration (check-config and serve). */
  Config: 1,
  /** Bad command-line usage. */
  Usage: 2,
  /** Startup failed: a port could not be bound, a certificate could not be read, privileges could not be dropped. */
  Startup: 3,
  /** A fatal error at run time. */
  Runtime: 4,
} as const;

/** A configuration problem, with the key path it concerns (e.g. `limits.max_connections`). */
export class ConfigError extends Error {
  constructor(
    readonly keyPath: string,
    readonly reason: string,
  ) {
    super(keyPath ? `${keyPath}: ${reason}` : reason);
    this.name = 'ConfigError';
  }
}

/** A failure while starting the daemon that the admin must fix (unreadable certificate, busy port). */
export class StartupError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StartupError';
  }
}
