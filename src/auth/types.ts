// The contract between authentication (src/auth) and its users: SASL mechanisms and the protocol front-ends.

/** A user whose credentials were verified: the only thing that may open a mail store. */
export interface AuthenticatedUser {
  /** The login name as stored in the passwd-file: `name` or `name@domain`. */
  readonly username: string;
  /** Numeric uid/gid from the passwd-file, when given. */
  readonly uid?: number;
  readonly gid?: number;
  /** The user's home directory (absolute); `~` in mail locations expands to it. */
  readonly home: string;
  /** Extra fields from the passwd-file (`key=value`, e.g. `userdb_mail=maildir:~/Mail`). */
  readonly extra: Readonly<Record<string, string>>;
}

/** Where an authentication attempt comes from: used for the penalty, cleartext policy and logs. */
export interface AuthContext {
  readonly clientIp: string;
  readonly secure: boolean;
  readonly protocol: 'pop3' | 'imap';
  readonly sessionId: string;
}

/** Stored SCRAM keys (RFC 5802 §3), derived from a cleartext secret or read from a `{SCRAM-SHA-*}` hash. */
export interface ScramCredentials {
  readonly iterations: number;
  readonly salt: Buffer;
  readonly storedKey: Buffer;
  readonly serverKey: Buffer;
}

export type ScramHash = 'SHA-1' | 'SHA-256';

/**
 * What SASL mechanisms and USER/PASS/LOGIN need from the user database. Every lookup that fails
 * (unknown user, wrong password, no usable secret) resolves to null, never throws for those.
 */
export interface AuthBackend {
  /** Verify a cleartext password. Unknown users cost the same time as wrong passwords. */
  verifyPassword(username: string, password: string): Promise<AuthenticatedUser | null>;
  /** The cleartext secret, for CRAM-MD5 and APOP; null unless stored `{PLAIN}` (or `{CLEARTEXT}`). */
  plainSecret(username: string): Promise<{ user: AuthenticatedUser; secret: string } | null>;
  /** SCRAM keys for a user, from a `{SCRAM-SHA-*}` hash or derived from a cleartext secret. */
  scramCredentials(username: string, hash: ScramHash): Promise<{ user: AuthenticatedUser; credentials: ScramCredentials } | null>;
}
